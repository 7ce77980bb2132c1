/** Milliseconds per hour and per minute, for half-lives configured in those units. */
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_MINUTE = 60_000;

/**
 * 2^(−elapsed/halfLife): what a weight is worth `elapsedMs` later. A negative elapsed time (a
 * reader whose clock is behind the newest event) is treated as none, so weights never grow.
 */
export function decayFactor(elapsedMs: number, halfLifeMs: number): number {
  if (!(halfLifeMs > 0)) throw new RangeError(`half-life must be positive, got ${halfLifeMs}`);
  return elapsedMs <= 0 ? 1 : Math.pow(2, -elapsedMs / halfLifeMs);
}
