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

/** Weights of the re-rank score. */
export interface RerankWeights {
  /** β, on popularity. */
  popularityWeight: number;
  /** γ, on freshness. */
  freshnessWeight: number;
}

/** What re-ranking needs of a candidate. */
export interface RerankInput {
  itemId: string;
  /** Base relevance: cosine similarity to the query, or popularity for cold start. */
  relevance: number;
  /** Epoch ms the item entered the catalog. */
  createdAt: number;
}

/** Where a candidate's score came from. */
export interface RerankParts {
  score: number;
  popularity: number;
  freshness: number;
}

/** Trending counts as re-ranking reads them. */
export interface TrendLookup {
  /** Decayed count of the item now. */
  trendOf(itemId: string): number;
  /** The largest decayed count of any item now. */
  maxTrend: number;
}

/**
 * score = relevance + β·popularity + γ·freshness, highest first (stable for ties, so the
 * store's order decides between equals).
 */
export function rerank<T extends RerankInput>(
  candidates: readonly T[],
  trends: TrendLookup,
  weights: RerankWeights,
  now: number,
): (T & RerankParts)[] {
  return candidates
    .map((candidate) => {
      const p = popularity(trends.trendOf(candidate.itemId), trends.maxTrend);
      const f = freshness(candidate.createdAt, now);
      return {
        ...candidate,
        popularity: p,
        freshness: f,
        score: candidate.relevance + weights.popularityWeight * p + weights.freshnessWeight * f,
      };
    })
    .sort((a, b) => b.score - a.score);
}
