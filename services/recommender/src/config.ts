import { cfEnvShape, env } from '@tailor/kit';
import { type z } from 'zod';

/** Environment of the recommender subgraph; every knob of the ranking pipeline is here. */
export const recommenderEnvShape = {
  ...cfEnvShape,
  RECOMMENDER_PORT: env.port(4004),
  /** α: share of the session (short-term) vector in the query vector; the rest is long-term. */
  RECOMMENDER_SHORT_TERM_WEIGHT: env.fraction(0.35),
  /** β: weight of the popularity prior (0..1, log-scaled trending count) in the re-rank score. */
  RECOMMENDER_POPULARITY_WEIGHT: env.fraction(0.1),
  /** γ: weight of freshness (halves every 30 days of item age) in the re-rank score. */
  RECOMMENDER_FRESHNESS_WEIGHT: env.fraction(0.05),
  /** λ of MMR: 1 ranks by score alone, lower values trade score for variety. */
  RECOMMENDER_MMR_LAMBDA: env.fraction(0.7),
  /** Half-life of a behaviour event's weight in the trending counts. */
  RECOMMENDER_TRENDING_HALF_LIFE_HOURS: env.positive(24),
  /**
   * Half-life of an event's weight in the popularity counts behind the re-rank prior and the
   * popular candidates of personalized lists: longer than trending, so lasting favourites keep
   * their place after the day's buzz.
   */
  RECOMMENDER_POPULARITY_HALF_LIFE_HOURS: env.positive(720),
};

/** The parsed settings the recommender reads. */
export type RecommenderConfig = Readonly<z.output<z.ZodObject<typeof recommenderEnvShape>>>;
