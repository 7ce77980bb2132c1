import { cfEnvShape, env, experimentsEnvShape } from '@tailor/kit';
import { z } from 'zod';

import type { SignalFloors, SourceWeights } from './domain/blend.js';
import type { SourceName } from './domain/sources.js';

/** Largest weight a source may get: weights are relative, this bounds typing mistakes. */
export const MAX_SOURCE_WEIGHT = 10;
/** Largest per-item candidate count of a source (a source fetches at most 500 anyway). */
export const MAX_CANDIDATES_PER_ITEM = 50;

const weight = (fallback: number) =>
  z.coerce
    .number({ error: `expected a number from 0 to ${MAX_SOURCE_WEIGHT}` })
    .min(0, `expected a number from 0 to ${MAX_SOURCE_WEIGHT}`)
    .max(MAX_SOURCE_WEIGHT, `expected a number from 0 to ${MAX_SOURCE_WEIGHT}`)
    .default(fallback);
const perItem = (fallback: number) => env.int(fallback, 0, MAX_CANDIDATES_PER_ITEM);

/** Environment of the recommender subgraph; every knob of the ranking pipeline is here. */
export const recommenderEnvShape = {
  ...cfEnvShape,
  /** A/B experiments (kit's `EXPERIMENTS`): an arm may set MMR's λ and the blend weights. */
  ...experimentsEnvShape,
  RECOMMENDER_PORT: env.port(4004),
  /** α: share of the session (short-term) vector in the query vector; the rest is long-term. */
  RECOMMENDER_SHORT_TERM_WEIGHT: env.fraction(0.35),
  /**
   * Weight of the collaborative signal: the dot of user and item `cf`, divided by the larger of
   * the list's strongest dot and RECOMMENDER_COLLABORATIVE_FLOOR. Twenty times the content
   * weight: the tuner found no sure gain in content stronger than a twentieth of the model
   * (bench:tune, blend stage). The other weights keep their sizes to one another, so lists
   * made without a model (content, popularity, freshness) and cold-start lists rank as before.
   */
  RECOMMENDER_COLLABORATIVE_WEIGHT: weight(10),
  /**
   * The predicted preference (iALS fits dots to 0/1) that reads as full collaborative strength:
   * a list whose best dot is below it keeps its dots that much weaker, so a model that knows the
   * user (or anyone) little cannot outvote the content and popularity evidence. 0: always the
   * list's best.
   */
  RECOMMENDER_COLLABORATIVE_FLOOR: env.number(0.01, 0, 10),
  /** Weight of the content signal (cosine of the item to the profile's query vector). */
  RECOMMENDER_CONTENT_WEIGHT: weight(0.5),
  /** β: weight of the popularity signal (log-scaled popularity count, 0..1). */
  RECOMMENDER_POPULARITY_WEIGHT: weight(0.02),
  /** Weight of the trending signal (log-scaled trending count, 0..1); lists without history only. */
  RECOMMENDER_TRENDING_WEIGHT: weight(1),
  /** γ: weight of freshness (halves every 30 days of item age), the newest source's signal. */
  RECOMMENDER_FRESHNESS_WEIGHT: weight(0.05),
  /** Candidates per item asked for (lists under 10 count as 10), per source; 0 fetches none. */
  RECOMMENDER_COLLABORATIVE_CANDIDATES_PER_ITEM: perItem(10),
  RECOMMENDER_CONTENT_CANDIDATES_PER_ITEM: perItem(10),
  RECOMMENDER_POPULAR_CANDIDATES_PER_ITEM: perItem(5),
  RECOMMENDER_TRENDING_CANDIDATES_PER_ITEM: perItem(10),
  RECOMMENDER_NEWEST_CANDIDATES_PER_ITEM: perItem(10),
  /** λ of MMR: 1 ranks by score alone, lower values trade score for variety. */
  RECOMMENDER_MMR_LAMBDA: env.fraction(1),
  /** Half-life of a behaviour event's weight in the trending counts. */
  RECOMMENDER_TRENDING_HALF_LIFE_HOURS: env.positive(24),
  /**
   * Half-life of an event's weight in the popularity counts behind the popularity signal and
   * the popular source: longer than trending, so lasting favourites keep their place after the
   * day's buzz.
   */
  RECOMMENDER_POPULARITY_HALF_LIFE_HOURS: env.positive(720),
  /**
   * How long the model version read from `models` is used before it is read again: a retrain
   * reaches lists at most this late, and the store is not asked once per list (0: every list).
   */
  RECOMMENDER_MODEL_REFRESH_MS: env.int(1_000, 0, 60_000),
  /** Items whose facts and vectors are kept in memory (least recently used go first; 0 keeps none). */
  RECOMMENDER_VECTOR_CACHE_ITEMS: env.int(20_000, 0, 1_000_000),
  /**
   * Users whose profile is kept between their lists, so a returning user's list reads only
   * items: used while it holds every event of the user heard on `user-events` and no forget
   * notice came (see ProfileCache). 0 reads the profile for every list, and guesses nothing.
   */
  RECOMMENDER_PROFILE_CACHE_USERS: env.int(5_000, 0, 1_000_000),
  /**
   * Longest a kept profile is held, current or previous: a bound on writes this process cannot
   * hear of, and on how long a copy of a profile stays in memory.
   */
  RECOMMENDER_PROFILE_CACHE_MAX_AGE_MS: env.int(300_000, 1_000, 3_600_000),
  /**
   * Keep a user's kept profile once it may miss an event (instead of dropping it): their next
   * list sends the batch that profile asks beside the profile read, and uses what it covers
   * when the new profile asks the same. Needs the profile cache (RECOMMENDER_PROFILE_CACHE_USERS).
   */
  RECOMMENDER_PROFILE_GUESS: env.bool(false),
  /** Replaced when the guess's copies moved into the profile cache (one bound for both). */
  RECOMMENDER_PROFILE_GUESS_USERS: env.retired(
    'set RECOMMENDER_PROFILE_GUESS=true; the profile cache (RECOMMENDER_PROFILE_CACHE_USERS) bounds the copies',
  ),
  /**
   * How often the fallback list (served while the vector store is down) is recomputed while
   * the store answers; it is as old as this at most when the store goes away.
   */
  RECOMMENDER_FALLBACK_REFRESH_MS: env.int(30_000, 1_000, 3_600_000),
};

/** The parsed settings the recommender reads. */
export type RecommenderConfig = Readonly<z.output<z.ZodObject<typeof recommenderEnvShape>>>;

/** The blend's weight of each source, from the settings. */
export function sourceWeights(config: RecommenderConfig): SourceWeights {
  return {
    collaborative: config.RECOMMENDER_COLLABORATIVE_WEIGHT,
    content: config.RECOMMENDER_CONTENT_WEIGHT,
    popular: config.RECOMMENDER_POPULARITY_WEIGHT,
    trending: config.RECOMMENDER_TRENDING_WEIGHT,
    newest: config.RECOMMENDER_FRESHNESS_WEIGHT,
  };
}

/** The floors of the relative signals, from the settings. */
export function signalFloors(config: RecommenderConfig): SignalFloors {
  return { collaborative: config.RECOMMENDER_COLLABORATIVE_FLOOR };
}

/** Candidates per item asked for, per source, from the settings. */
export function candidatesPerItem(config: RecommenderConfig): Readonly<Record<SourceName, number>> {
  return {
    collaborative: config.RECOMMENDER_COLLABORATIVE_CANDIDATES_PER_ITEM,
    content: config.RECOMMENDER_CONTENT_CANDIDATES_PER_ITEM,
    popular: config.RECOMMENDER_POPULAR_CANDIDATES_PER_ITEM,
    trending: config.RECOMMENDER_TRENDING_CANDIDATES_PER_ITEM,
    newest: config.RECOMMENDER_NEWEST_CANDIDATES_PER_ITEM,
  };
}
