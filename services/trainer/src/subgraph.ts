// The trainer subgraph's wiring: its services, resolvers and schema on one server.
import 'reflect-metadata';

import path from 'node:path';

import {
  buildFederatedSchema,
  consumeUserEvents,
  startSubgraph,
  type Subscription,
  USER_EVENTS_DLQ_TOPIC,
  USER_EVENTS_TOPIC,
} from '@tailor/kit';
import type { GraphQLSchema } from 'graphql';

import { trainingSettings } from './config.js';
import type { TrainerDeps } from './deps.js';
import { ModelResolver } from './graphql/model.resolver.js';
import { TRAINER_SCHEMA_CLASSES } from './graphql/schema.js';
import { InteractionStore } from './interaction-store.js';
import { createTrainerMetrics } from './metrics.js';
import { type TrainedModel, TrainerService } from './trainer.service.js';

function schemaOf(trainer: TrainerService): Promise<GraphQLSchema> {
  const resolver = new ModelResolver(trainer);
  return buildFederatedSchema({
    ...TRAINER_SCHEMA_CLASSES,
    container: {
      get: (cls: unknown) => {
        if (cls === ModelResolver) return resolver;
        throw new Error(`no instance of ${String(cls)} in the trainer container`);
      },
    },
  });
}

/** A running trainer. */
export interface RunningTrainer {
  url: string;
  /** Trains now on what is recorded and publishes the model (undefined with no data). */
  retrain(): Promise<TrainedModel | undefined>;
  /** Events recorded since start (redeliveries not counted). */
  recorded(): number;
  close(): Promise<void>;
}

/**
 * Starts the trainer: records `user-events` (group TRAINER_CONSUMER_GROUP, from the
 * beginning) into its interaction store under DATA_DIR/trainer, trains on start when it has
 * data and no model is published, then every TRAINER_INTERVAL_MINUTES, and on demand.
 * Serves the trainer subgraph (`collaborativeModel`, `retrainModel`, `modelTraining`) and
 * `/metrics`.
 */
export async function startTrainer(
  deps: TrainerDeps & { host: string; port: number },
): Promise<RunningTrainer> {
  const { config, logger } = deps;
  const metrics = createTrainerMetrics();
  const interactions = await InteractionStore.open(path.join(config.DATA_DIR, 'trainer'), logger);
  const trainer = new TrainerService({
    store: deps.store,
    interactions,
    settings: trainingSettings(config),
    weights: config.PROFILE_EVENT_WEIGHTS,
    logger,
    metrics,
    ...(deps.vault === undefined ? {} : { vault: deps.vault }),
    ...(deps.now === undefined ? {} : { now: deps.now }),
  });
  await trainer.ensureCollections();
  await deps.bus.ensureTopics([{ name: USER_EVENTS_TOPIC }, { name: USER_EVENTS_DLQ_TOPIC }]);
  let recorded = 0;
  // Until a model exists, the first data trains one, so a new deployment does not wait for
  // the schedule; later data waits for it (or a retrain on demand).
  let published = (await trainer.publishedVersion()) !== undefined;
  const consumer: Subscription = await consumeUserEvents({
    bus: deps.bus,
    groupId: config.TRAINER_CONSUMER_GROUP,
    logger,
    fromBeginning: true,
    // Profiles dead-letters what breaks the contract; the trainer only skips it.
    deadLetters: false,
    ...(deps.vault === undefined ? {} : { vault: deps.vault }),
    handle: async (events) => {
      recorded += await trainer.record(events);
      if (!published && recorded > 0) {
        published = true;
        train('first data');
      }
    },
  });
  // The service logs a failed training; the model in service stays.
  const train = (reason: string) => trainer.start(reason);
  if (interactions.userCount > 0 && !published) {
    published = true;
    train('start');
  }
  const interval =
    config.TRAINER_INTERVAL_MINUTES > 0
      ? setInterval(() => train('schedule'), config.TRAINER_INTERVAL_MINUTES * 60_000)
      : undefined;
  interval?.unref();

  const server = await startSubgraph({
    name: 'trainer',
    schema: await schemaOf(trainer),
    logger,
    host: deps.host,
    port: deps.port,
    gatewaySecret: config.GATEWAY_SHARED_SECRET,
    routes: (_app, registry) => {
      registry.registerMetric(metrics.trainingSeconds);
      registry.registerMetric(metrics.loss);
      registry.registerMetric(metrics.model);
      registry.registerMetric(metrics.recorded);
    },
  }).catch(async (err: unknown) => {
    if (interval !== undefined) clearInterval(interval);
    await consumer.stop();
    throw err;
  });
  return {
    url: server.url,
    retrain: () => trainer.train('demand'),
    recorded: () => recorded,
    close: async () => {
      if (interval !== undefined) clearInterval(interval);
      try {
        await consumer.stop();
      } finally {
        await server.close();
      }
    },
  };
}
