// The profiles subgraph's wiring: its services, resolvers and schema on one server.
import 'reflect-metadata';

import {
  buildFederatedSchema,
  consumerLagGauge,
  consumeUserEvents,
  type Logger,
  pseudonymizer,
  startSubgraph,
  type Subscription,
  USER_EVENTS_DLQ_TOPIC,
  USER_EVENTS_TOPIC,
  USER_FORGOTTEN_TOPIC,
} from '@tailor/kit';
import type { GraphQLSchema } from 'graphql';

import { profileSettings } from './config.js';
import type { ProfilesDeps } from './deps.js';
import { UserProfileResolver } from './graphql/profile.resolver.js';
import { PROFILES_SCHEMA_CLASSES } from './graphql/schema.js';
import { userReferenceResolvers } from './graphql/user.reference.js';
import { UserResolver } from './graphql/user.resolver.js';
import { createProfileMetrics, type ProfileMetrics } from './metrics.js';
import { MODEL_CHECK_MS, ProfileService } from './profile.service.js';

/** A running profiles service. */
export interface RunningProfiles {
  /** `http://host:port/graphql`. */
  url: string;
  port: number;
  /** Stops consuming (the batch in hand finishes and commits), then the server. */
  close(): Promise<void>;
}

function createService(
  deps: ProfilesDeps,
  metrics: ProfileMetrics,
  logger: Logger,
): ProfileService {
  return new ProfileService({
    store: deps.store,
    logger,
    settings: profileSettings(deps.config, deps.embedder.dimension),
    metrics,
    ...(deps.vault === undefined ? {} : { vault: deps.vault }),
    notices: {
      bus: deps.bus,
      // Without a vault (tests), the unkeyed pseudonym, as the recommender computes it then.
      subjectOf: deps.vault?.subjectOf ?? pseudonymizer(undefined),
    },
    ...(deps.now === undefined ? {} : { now: deps.now }),
  });
}

function schemaOf(profiles: ProfileService): Promise<GraphQLSchema> {
  const users = new UserResolver(profiles);
  const userProfiles = new UserProfileResolver();
  return buildFederatedSchema(
    {
      ...PROFILES_SCHEMA_CLASSES,
      container: {
        get: (cls: unknown) => {
          if (cls === UserResolver) return users;
          if (cls === UserProfileResolver) return userProfiles;
          throw new Error(`no instance of ${String(cls)} in the profiles container`);
        },
      },
    },
    userReferenceResolvers(),
  );
}

/**
 * Starts the profiles service: creates its collections when missing, consumes `user-events`
 * from the beginning (group `profiles`) into the `profiles` collection, and serves `/graphql`.
 */
export async function startProfiles(
  deps: ProfilesDeps & { host: string; port: number },
): Promise<RunningProfiles> {
  const metrics = createProfileMetrics();
  const profiles = createService(deps, metrics, deps.logger);
  await profiles.ensureCollections();
  await deps.bus.ensureTopics([
    { name: USER_EVENTS_TOPIC },
    { name: USER_EVENTS_DLQ_TOPIC },
    { name: USER_FORGOTTEN_TOPIC },
  ]);
  const consumer: Subscription = await consumeUserEvents({
    bus: deps.bus,
    groupId: deps.config.PROFILES_CONSUMER_GROUP,
    logger: deps.logger,
    fromBeginning: true,
    ...(deps.vault === undefined ? {} : { vault: deps.vault }),
    handle: async (events) => {
      await profiles.applyBatch(events);
    },
  });
  // A new model re-folds every profile folded against the old one, in the background: users
  // who act meanwhile are folded by their own batch.
  let sweeping = false;
  const sweep = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    profiles
      .refoldIfModelChanged()
      .catch((err: unknown) => deps.logger.warn({ err }, 're-folding profiles failed; retrying'))
      .finally(() => {
        sweeping = false;
      });
  }, MODEL_CHECK_MS);
  sweep.unref();
  try {
    const subgraph = await startSubgraph({
      name: 'profiles',
      schema: await schemaOf(profiles),
      logger: deps.logger,
      host: deps.host,
      port: deps.port,
      gatewaySecret: deps.config.GATEWAY_SHARED_SECRET,
      routes: (_app, registry) => {
        registry.registerMetric(metrics.applied);
        registry.registerMetric(metrics.skipped);
        registry.registerMetric(
          consumerLagGauge({
            bus: deps.bus,
            topic: USER_EVENTS_TOPIC,
            groupId: deps.config.PROFILES_CONSUMER_GROUP,
            logger: deps.logger,
          }),
        );
      },
    });
    return {
      url: subgraph.url,
      port: subgraph.port,
      close: async () => {
        clearInterval(sweep);
        try {
          await consumer.stop();
        } finally {
          await subgraph.close();
        }
      },
    };
  } catch (err) {
    clearInterval(sweep);
    await consumer.stop();
    throw err;
  }
}
