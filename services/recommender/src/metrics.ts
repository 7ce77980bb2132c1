import { Counter, Gauge, Histogram, VECTOR_STORE_OPERATIONS } from '@tailor/kit';

import { SOURCE_NAMES } from './domain/sources.js';

/** Strategy label values: the GraphQL enum, lowercase. */
export type StrategyLabel = 'personalized' | 'trending' | 'fallback';

/** The recommender's own metrics; registered on the subgraph's registry at start. */
export interface RecommenderMetrics {
  /** Time to build one recommendation list, by strategy. */
  duration: Histogram<'strategy'>;
  /** Lists served, by strategy. */
  served: Counter<'strategy'>;
  /** Lists each source brought at least one candidate to, by source. */
  sources: Counter<'source'>;
  /** 1 for the collaborative model version last read from `models`; no series before one. */
  model: Gauge<'model_version'>;
  /** Calls the recommender made to the vector store, by operation (one Qdrant request each). */
  storeCalls: Counter<'operation'>;
  /** Vector store calls one recommendation list took, by strategy. */
  storeCallsPerList: Histogram<'strategy'>;
  /** Lists given up before their next store call: deadline passed or caller gone. */
  stopped: Counter<'reason'>;
  /**
   * Batches guessed from a user's previous profile, by what the list could take from them:
   * `used` (all its reads), `partly` (some; the rest read after) or `missed` (none).
   */
  guessedBatches: Counter<'outcome'>;
  profileCache: Counter<'outcome'>;
}

/** Creates the metrics unregistered, so a schema can be built without a server. */
export function createRecommenderMetrics(): RecommenderMetrics {
  const duration = new Histogram({
    name: 'tailor_recommendation_duration_seconds',
    help: 'Time to build one recommendation list, by strategy (personalized or trending).',
    labelNames: ['strategy'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [],
  });
  const served = new Counter({
    name: 'tailor_recommendations_served_total',
    help: 'Recommendation lists served, by strategy (personalized or trending).',
    labelNames: ['strategy'] as const,
    registers: [],
  });
  const sources = new Counter({
    name: 'tailor_recommendation_source_lists_total',
    help: 'Recommendation lists a candidate source brought at least one candidate to, by source.',
    labelNames: ['source'] as const,
    registers: [],
  });
  const model = new Gauge({
    name: 'tailor_recommendation_model_info',
    help: 'Always 1, labelled with the collaborative model version the recommender last read.',
    labelNames: ['model_version'] as const,
    registers: [],
  });
  const storeCalls = new Counter({
    name: 'tailor_recommender_store_calls_total',
    help: 'Calls the recommender made to the vector store, by operation (on Qdrant one request each; readMany is one batch).',
    labelNames: ['operation'] as const,
    registers: [],
  });
  const stopped = new Counter({
    name: 'tailor_recommendations_stopped_total',
    help: 'Recommendation lists given up before their next store call, by why (DEADLINE_EXCEEDED: the gateway deadline passed; REQUEST_CANCELLED: the caller went away).',
    labelNames: ['reason'] as const,
    registers: [],
  });
  const storeCallsPerList = new Histogram({
    name: 'tailor_recommendation_store_calls',
    help: 'Vector store calls one recommendation list took, by strategy (personalized or trending).',
    labelNames: ['strategy'] as const,
    buckets: [1, 2, 3, 4, 6, 8],
    registers: [],
  });
  const guessedBatches = new Counter({
    name: 'tailor_recommendation_guessed_batches_total',
    help: "Batches of items sent beside the profile read, guessed from the user's previous profile, by outcome (used: the list read nothing more; partly: some reads were asked again; missed: all were).",
    labelNames: ['outcome'] as const,
    registers: [],
  });
  const profileCache = new Counter({
    name: 'tailor_recommendation_profile_cache_total',
    help: "Lists by where their profile came from (hit: the profile kept from the user's last list; miss: a store read).",
    labelNames: ['outcome'] as const,
    registers: [],
  });
  // Every series exists from the start, so a rate over any reads 0 rather than nothing.
  for (const strategy of ['personalized', 'trending', 'fallback'] as const)
    served.inc({ strategy }, 0);
  for (const source of SOURCE_NAMES) sources.inc({ source }, 0);
  for (const operation of VECTOR_STORE_OPERATIONS) storeCalls.inc({ operation }, 0);
  for (const reason of ['DEADLINE_EXCEEDED', 'REQUEST_CANCELLED']) stopped.inc({ reason }, 0);
  for (const outcome of ['used', 'partly', 'missed']) guessedBatches.inc({ outcome }, 0);
  for (const outcome of ['hit', 'miss']) profileCache.inc({ outcome }, 0);
  return {
    duration,
    served,
    sources,
    model,
    storeCalls,
    storeCallsPerList,
    stopped,
    guessedBatches,
    profileCache,
  };
}
