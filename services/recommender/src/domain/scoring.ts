/** Item age at which the freshness boost has halved. */
export const FRESHNESS_HALF_LIFE_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * An item's popularity prior in [0, 1]: log1p(trend) / log1p(maxTrend). The logarithm keeps a
 * runaway hit from flattening every other item to 0.
 */
export function popularity(trend: number, maxTrend: number): number {
  if (!(maxTrend > 0) || !(trend > 0)) return 0;
  return Math.min(1, Math.log1p(trend) / Math.log1p(maxTrend));
}

/** 2^(−age / 30 days): 1 for a brand new item, ½ at 30 days. Future dates count as new. */
export function freshness(createdAt: number, now: number): number {
  const ageMs = Math.max(0, now - createdAt);
  return 2 ** (-ageMs / (FRESHNESS_HALF_LIFE_DAYS * DAY_MS));
}
