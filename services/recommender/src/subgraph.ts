// The recommender subgraph's wiring: its services, resolvers and schema on one server.
import 'reflect-metadata';

import {
  buildFederatedSchema,
  consumeUserForgotten,
  ExperimentRegistry,
  itemsCollectionSpec,
  modelsCollectionSpec,
  profilesCollectionSpec,
  pseudonymizer,
  startSubgraph,
  USER_EVENTS_DLQ_TOPIC,
  USER_EVENTS_TOPIC,
  USER_FORGOTTEN_TOPIC,
} from '@tailor/kit';
import type { GraphQLSchema } from 'graphql';

import type { RecommenderDeps } from './deps.js';
import { RecommendationResolver } from './graphql/recommendation.resolver.js';
import { RECOMMENDER_SCHEMA_CLASSES } from './graphql/schema.js';
import { userReferenceResolvers } from './graphql/user.reference.js';
import { UserResolver } from './graphql/user.resolver.js';
import { createRecommenderMetrics, type RecommenderMetrics } from './metrics.js';
import { ProfileCache } from './profile-cache.js';
import { RecommendationService } from './recommendation.service.js';
import { countingStore } from './store-calls.js';
import { TrendingService } from './trending.service.js';

/** Consumer group of the forget notices; ephemeral, so it never commits offsets. */
export const FORGETS_GROUP_ID = 'recommender-forgets';

/** A running recommender subgraph. */
export interface RunningRecommender {
  /** `http://host:port/graphql`. */
  url: string;
  port: number;
  /** `user-events` read so far by the trending and popularity counts: tools replaying a log wait on it. */
  eventsRead(): number;
  /**
   * Stops the server and the trending replay, and waits for impressions in flight; the bus,
   * store and embedder stay open (their owner closes them).
   */
  close(): Promise<void>;
}

function createServices(
  deps: RecommenderDeps,
  metrics: RecommenderMetrics,
  experiments: ExperimentRegistry,
) {
  // Every read the recommender makes is counted by operation, lists' reads and trending's alike.
  const store = countingStore(deps.store, (operation) => metrics.storeCalls.inc({ operation }));
  const profiles = new ProfileCache({
    maxUsers: deps.config.RECOMMENDER_PROFILE_CACHE_USERS,
    maxAgeMs: deps.config.RECOMMENDER_PROFILE_CACHE_MAX_AGE_MS,
    guess: deps.config.RECOMMENDER_PROFILE_GUESS,
    // Without a vault (tests), the unkeyed pseudonym, as the profiles service names users then.
    subjectOf: deps.vault?.subjectOf ?? pseudonymizer(undefined),
  });
  const trending = new TrendingService({
    bus: deps.bus,
    store,
    logger: deps.logger,
    halfLifeHours: deps.config.RECOMMENDER_TRENDING_HALF_LIFE_HOURS,
    popularityHalfLifeHours: deps.config.RECOMMENDER_POPULARITY_HALF_LIFE_HOURS,
    ...(deps.vault === undefined ? {} : { vault: deps.vault }),
    onEvents: (events) => profiles.hear(events),
  });
  const recommendations = new RecommendationService({
    config: deps.config,
    store,
    bus: deps.bus,
    logger: deps.logger,
    trending,
    metrics,
    experiments,
    profiles,
    ...(deps.vault === undefined ? {} : { vault: deps.vault }),
    ...(deps.now === undefined ? {} : { now: deps.now }),
  });
  return { trending, recommendations, profiles };
}

function schemaOf(recommendations: RecommendationService): Promise<GraphQLSchema> {
  const instances = new Map<unknown, unknown>([
    [RecommendationResolver, new RecommendationResolver(recommendations)],
    [UserResolver, new UserResolver(recommendations)],
  ]);
  return buildFederatedSchema(
    {
      ...RECOMMENDER_SCHEMA_CLASSES,
      container: {
        get: (cls: unknown) => {
          const instance = instances.get(cls);
          if (instance === undefined) {
            throw new Error(`no instance of ${String(cls)} in the recommender container`);
          }
          return instance;
        },
      },
    },
    userReferenceResolvers(),
  );
}

/**
 * Starts the recommender subgraph: creates the collections and topics it reads when missing,
 * starts rebuilding trending counts from the beginning of `user-events`, then serves `/graphql`.
 */
export async function startRecommender(
  deps: RecommenderDeps & { host: string; port: number },
): Promise<RunningRecommender> {
  // The collections belong to other services; creating them with the shared specs lets the
  // recommender start first and answer (cold start) before anything is written.
  const cf = deps.config.CF_DIMENSION;
  await deps.store.ensureCollection(itemsCollectionSpec(deps.embedder.dimension, cf));
  await deps.store.ensureCollection(profilesCollectionSpec(deps.embedder.dimension, cf));
  await deps.store.ensureCollection(modelsCollectionSpec(cf));
  await deps.bus.ensureTopics([
    { name: USER_EVENTS_TOPIC },
    { name: USER_EVENTS_DLQ_TOPIC },
    { name: USER_FORGOTTEN_TOPIC },
  ]);
  const metrics = createRecommenderMetrics();
  // Arms are read from the same EXPERIMENTS as generation's; stops from the shared store.
  const experiments = new ExperimentRegistry({
    experiments: deps.config.EXPERIMENTS,
    store: deps.store,
    refreshMs: deps.config.EXPERIMENTS_REFRESH_MS,
    logger: deps.logger,
  });
  await experiments.start();
  const { trending, recommendations, profiles } = createServices(deps, metrics, experiments);
  await trending.start();
  const forgets = await consumeUserForgotten({
    bus: deps.bus,
    groupId: FORGETS_GROUP_ID,
    logger: deps.logger,
    handle: (notices) => profiles.forget(notices),
  }).catch(async (err: unknown) => {
    await trending.stop();
    throw err;
  });
  // The fallback list is computed at start and kept fresh while the store answers; a refresh
  // that fails (the store is down) keeps the list in hand.
  const refreshFallback = () =>
    recommendations
      .refreshFallback()
      .catch((err: unknown) =>
        deps.logger.warn({ err }, 'could not refresh the fallback list; keeping the last one'),
      );
  await refreshFallback();
  const fallbackTimer = setInterval(
    () => void refreshFallback(),
    deps.config.RECOMMENDER_FALLBACK_REFRESH_MS,
  );
  fallbackTimer.unref();
  try {
    const subgraph = await startSubgraph({
      name: 'recommender',
      schema: await schemaOf(recommendations),
      logger: deps.logger,
      host: deps.host,
      port: deps.port,
      gatewaySecret: deps.config.GATEWAY_SHARED_SECRET,
      routes: (_app, registry) => {
        registry.registerMetric(metrics.duration);
        registry.registerMetric(metrics.served);
        registry.registerMetric(metrics.sources);
        registry.registerMetric(metrics.model);
        registry.registerMetric(metrics.storeCalls);
        registry.registerMetric(metrics.storeCallsPerList);
        registry.registerMetric(metrics.stopped);
        registry.registerMetric(metrics.guessedBatches);
        registry.registerMetric(metrics.profileCache);
      },
    });
    return {
      url: subgraph.url,
      port: subgraph.port,
      eventsRead: () => trending.countedEvents,
      close: async () => {
        clearInterval(fallbackTimer);
        try {
          await subgraph.close();
        } finally {
          await forgets.stop();
          await trending.stop();
          await recommendations.drain();
        }
      },
    };
  } catch (err) {
    clearInterval(fallbackTimer);
    await forgets.stop();
    await trending.stop();
    throw err;
  }
}
