import { Counter, Histogram } from '@tailor/kit';

/** Strategy label values: the GraphQL enum, lowercase. */
export type StrategyLabel = 'personalized' | 'trending';

/** The recommender's own metrics; registered on the subgraph's registry at start. */
export interface RecommenderMetrics {
  /** Time to build one recommendation list, by strategy. */
  duration: Histogram<'strategy'>;
  /** Lists served, by strategy. */
  served: Counter<'strategy'>;
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
  // Both series exist from the start, so a rate over either reads 0 rather than nothing.
  for (const strategy of ['personalized', 'trending'] as const) served.inc({ strategy }, 0);
  return { duration, served };
}
