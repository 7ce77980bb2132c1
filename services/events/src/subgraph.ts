// The events subgraph's wiring: its services, resolvers and schema on one server.
import 'reflect-metadata';

import {
  buildFederatedSchema,
  ConfigError,
  startSubgraph,
  USER_EVENTS_DLQ_TOPIC,
  USER_EVENTS_TOPIC,
} from '@tailor/kit';
import type { GraphQLSchema } from 'graphql';

import { IngestBackpressure } from './backpressure.js';
import type { EventsDeps } from './deps.js';
import { intakeLimits } from './domain/limits.js';
import { EventIntakeService } from './event-intake.service.js';
import { EventResolver } from './graphql/event.resolver.js';
import { EVENTS_SCHEMA_CLASSES } from './graphql/schema.js';
import { createEventMetrics, type EventMetrics } from './metrics.js';
import { mountEventsRoute } from './rest/events.route.js';

/** A running events subgraph. */
export interface RunningEvents {
  /** `http://host:port/graphql`; the REST door is `/v1/events` on the same origin. */
  url: string;
  port: number;
  /** Stops the server; the bus stays open (its owner closes it). */
  close(): Promise<void>;
}

function createIntake(
  deps: EventsDeps,
  metrics: EventMetrics,
  backpressure?: IngestBackpressure,
): EventIntakeService {
  return new EventIntakeService({
    bus: deps.bus,
    logger: deps.logger,
    limits: intakeLimits(deps.config),
    metrics,
    ...(deps.vault === undefined ? {} : { vault: deps.vault }),
    ...(backpressure === undefined ? {} : { backpressure }),
  });
}

/** The profile updater's lag watch, after checking the bound can take the largest batch. */
function createBackpressure(deps: EventsDeps, metrics: EventMetrics): IngestBackpressure {
  const { config } = deps;
  const maxLag = config.EVENTS_MAX_UPDATER_LAG_EVENTS;
  if (maxLag > 0 && maxLag < config.EVENTS_MAX_BATCH_SIZE) {
    const problem = `expected 0 (off) or at least EVENTS_MAX_BATCH_SIZE (${config.EVENTS_MAX_BATCH_SIZE}), so the largest batch can ever be accepted; got ${maxLag}`;
    throw new ConfigError(`Invalid configuration:\n  EVENTS_MAX_UPDATER_LAG_EVENTS: ${problem}`, [
      { variable: 'EVENTS_MAX_UPDATER_LAG_EVENTS', problem },
    ]);
  }
  return new IngestBackpressure({
    bus: deps.bus,
    topic: USER_EVENTS_TOPIC,
    groupId: config.EVENTS_UPDATER_GROUP,
    maxLag,
    checkIntervalMs: config.EVENTS_LAG_CHECK_INTERVAL_MS,
    retryAfterSeconds: config.EVENTS_BACKLOG_RETRY_AFTER_SECONDS,
    logger: deps.logger,
    metrics,
  });
}

async function schemaOf(intake: EventIntakeService): Promise<GraphQLSchema> {
  const resolver = new EventResolver(intake);
  return buildFederatedSchema({
    ...EVENTS_SCHEMA_CLASSES,
    container: {
      get: (cls: unknown) => {
        if (cls === EventResolver) return resolver;
        throw new Error(`no instance of ${String(cls)} in the events container`);
      },
    },
  });
}

/**
 * Starts the events subgraph: `recordEvents` and `eventLimits` on `/graphql`, and
 * `POST /v1/events` for plain HTTP and beacons. Creates the topics it writes first.
 */
export async function startEvents(
  deps: EventsDeps & { host: string; port: number },
): Promise<RunningEvents> {
  await deps.bus.ensureTopics([{ name: USER_EVENTS_TOPIC }, { name: USER_EVENTS_DLQ_TOPIC }]);
  const metrics = createEventMetrics();
  const backpressure = createBackpressure(deps, metrics);
  await backpressure.start();
  const intake = createIntake(deps, metrics, backpressure);
  const subgraph = await startSubgraph({
    name: 'events',
    schema: await schemaOf(intake),
    logger: deps.logger,
    host: deps.host,
    port: deps.port,
    maxBodyBytes: deps.config.EVENTS_MAX_BODY_BYTES,
    gatewaySecret: deps.config.GATEWAY_SHARED_SECRET,
    routes: (app, registry) => {
      registry.registerMetric(metrics.received);
      registry.registerMetric(metrics.updaterLag);
      registry.registerMetric(metrics.backlogRefusals);
      mountEventsRoute(app, {
        intake,
        logger: deps.logger,
        corsOrigins: deps.config.EVENTS_CORS_ORIGINS,
        gatewaySecret: deps.config.GATEWAY_SHARED_SECRET,
      });
    },
  });
  return {
    url: subgraph.url,
    port: subgraph.port,
    close: async () => {
      backpressure.stop();
      await subgraph.close();
    },
  };
}
