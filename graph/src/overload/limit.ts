/** Settings of {@link AimdLimit}. */
export interface AimdLimitOptions {
  /** The limit never goes below this: a slow dependency must not starve the gateway to zero. */
  floor: number;
  /** Nor above this, however fast requests complete. */
  ceiling: number;
  /** A request that took longer than this counts as a sign of overload. */
  latencyTargetMs: number;
  /** What the limit is multiplied by on each slow request (0 < ratio < 1). */
  backoffRatio: number;
}

/**
 * An additive-increase, multiplicative-decrease concurrency limit driven by measured latency,
 * the scheme TCP uses for its window and Netflix's concurrency-limits offers as `AIMDLimit`.
 * A fast completion while the limit was in full use grows it by one per "limit" completions
 * (about one per round trip); a slow one shrinks it by `backoffRatio`. Growth only when the
 * limit was the bottleneck keeps an idle gateway from drifting to the ceiling and then
 * admitting a whole burst at once.
 */
export class AimdLimit {
  #limit: number;

  constructor(private readonly options: AimdLimitOptions) {
    if (!(options.floor >= 1 && options.ceiling >= options.floor)) {
      throw new RangeError('AimdLimit needs 1 <= floor <= ceiling');
    }
    if (!(options.backoffRatio > 0 && options.backoffRatio < 1)) {
      throw new RangeError('AimdLimit needs 0 < backoffRatio < 1');
    }
    this.#limit = options.floor;
  }

  /** How many requests may run at once now (a whole number). */
  get current(): number {
    return Math.floor(this.#limit);
  }

  /**
   * Learns from one finished request: its latency, and how many ran (itself included) when it
   * finished.
   */
  onSample(latencyMs: number, inflight: number): void {
    const { floor, ceiling, latencyTargetMs, backoffRatio } = this.options;
    if (latencyMs > latencyTargetMs) {
      this.#limit = Math.max(floor, this.#limit * backoffRatio);
    } else if (inflight >= this.current) {
      this.#limit = Math.min(ceiling, this.#limit + 1 / this.#limit);
    }
  }
}
