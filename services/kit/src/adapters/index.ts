import os from 'node:os';
import path from 'node:path';

import { z } from 'zod';

import {
  CF_VECTOR,
  DEFAULT_CF_DIMENSION,
  ITEM_VECTOR,
  ITEMS_COLLECTION,
  MAX_CF_DIMENSION,
  MIN_CF_DIMENSION,
  PROFILE_LONG_VECTOR,
  PROFILE_SHORT_VECTOR,
} from '../collections.js';
import { ConfigError, env } from '../config.js';
import { CollectionLayoutError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Embedder } from '../ports/embedder.js';
import type { EventBus } from '../ports/event-bus.js';
import type { VectorStore } from '../ports/vector-store.js';
import { USER_KEYS_COLLECTION } from '../privacy/user-keys.js';
import { CircuitBreaker } from '../resilience/circuit-breaker.js';
import { guardedBus } from '../resilience/guarded-bus.js';
import { guardedStore } from '../resilience/guarded-store.js';
import { tracedBus } from '../telemetry/bus.js';
import { tracedStore } from '../telemetry/store.js';
import {
  createEmbeddedEventBus,
  createEmbeddedVectorStore,
  createHashedEmbedder,
  HASHED_EMBEDDER_MAX_DIMENSION,
  HASHED_EMBEDDER_MIN_DIMENSION,
} from './embedded/index.js';
import { createKafkaEventBus } from './kafka/index.js';
import { createLocalEmbedder, createOpenAiEmbedder } from './models/index.js';
import { withCollectionPrefix, withTopicPrefix } from './prefixed.js';
import { createQdrantVectorStore } from './qdrant/index.js';

export * from './embedded/index.js';
export * from './models/index.js';
export { withCollectionPrefix, withTopicPrefix } from './prefixed.js';
export {
  createQdrantVectorStore,
  QDRANT_STORE_DEFAULTS,
  qdrantIdLookups,
  type QdrantVectorStoreOptions,
} from './qdrant/index.js';

/**
 * `CF_DIMENSION`: length of the collaborative `cf` vectors on items and profiles (the model's
 * factors). Every service that creates or reads those collections spreads this into its shape;
 * they must agree, and changing it needs new collections.
 */
export const cfEnvShape = {
  CF_DIMENSION: env.int(DEFAULT_CF_DIMENSION, MIN_CF_DIMENSION, MAX_CF_DIMENSION),
};

const BROKER = /^[^\s:,]+:\d{1,5}$/;

/** A name prefix: what Kafka topic/group and Qdrant collection names may hold, at most 100. */
const namePrefix = () =>
  z
    .string()
    .regex(/^[\w.-]{0,100}$/, 'expected up to 100 letters, digits, dots, dashes or underscores')
    .default('');

/**
 * The environment that picks and configures adapters. Spread it into a service's schema; apply
 * {@link refineAdapterEnv} to the whole object so a missing broker or URL is reported at start.
 */
export const adapterEnvShape = {
  /** `embedded`: the in-process log under DATA_DIR; `kafka`: brokers in KAFKA_BROKERS. */
  EVENT_BUS: z
    .enum(['embedded', 'kafka'], { error: 'expected embedded or kafka' })
    .default('embedded'),
  /** `embedded`: in-process exact search under DATA_DIR; `qdrant`: the server at QDRANT_URL. */
  VECTOR_STORE: z
    .enum(['embedded', 'qdrant'], { error: 'expected embedded or qdrant' })
    .default('embedded'),
  /**
   * `hashed`: hashed word features, no model; `local`: all-MiniLM-L6-v2 from EMBEDDER_MODEL_DIR
   * in a worker thread (384-d); `openai`: an OpenAI-compatible `/embeddings` at EMBEDDER_BASE_URL.
   */
  EMBEDDER: z
    .enum(['hashed', 'local', 'openai'], { error: 'expected hashed, local or openai' })
    .default('hashed'),
  /** Length of the hashed embedder's vectors; the other embedders' length follows their model. */
  EMBEDDING_DIMENSION: env.int(256, HASHED_EMBEDDER_MIN_DIMENSION, HASHED_EMBEDDER_MAX_DIMENSION),
  /** `EMBEDDER=local`: the directory infra/models/fetch-minilm.sh fills. */
  EMBEDDER_MODEL_DIR: z
    .string()
    .min(1, 'expected a directory path')
    .default(path.join(os.homedir(), '.cache', 'tailor', 'minilm')),
  /** Texts per model run (`local`) or per HTTP call (`openai`). */
  EMBEDDER_BATCH_SIZE: env.int(32, 1, 2048),
  /** `EMBEDDER=local`: ONNX Runtime threads of the worker. */
  EMBEDDER_THREADS: env.int(1, 1, 64),
  /** `EMBEDDER=openai`: e.g. `http://127.0.0.1:11434/v1`. */
  EMBEDDER_BASE_URL: env.url().optional(),
  /** `EMBEDDER=openai`: the model name the server knows. */
  EMBEDDER_MODEL: z.string().min(1, 'expected a model name').optional(),
  /** `EMBEDDER=openai`: sent as a bearer token when set. */
  EMBEDDER_API_KEY: z.string().min(1, 'expected a non-empty API key').optional(),
  /** `EMBEDDER=openai`: deadline of one HTTP call. */
  EMBEDDER_TIMEOUT_MS: env.int(30_000, 100, 600_000),
  ...cfEnvShape,
  /** Where embedded adapters keep their logs and snapshots. */
  DATA_DIR: z.string().min(1, 'expected a directory path').default('.data'),
  /** Partitions of topics the embedded bus creates. */
  BUS_PARTITIONS: env.int(4, 1, 1024),
  /** `EVENT_BUS=embedded`: most messages of one partition handed to a consumer at once. */
  BUS_MAX_BATCH_MESSAGES: env.int(50_000, 1, 1_000_000),
  /** Comma-separated `host:port` list, e.g. `127.0.0.1:9092,127.0.0.1:9093`. */
  KAFKA_BROKERS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return undefined;
      const brokers = value.split(',').map((b) => b.trim());
      for (const broker of brokers) {
        if (!BROKER.test(broker)) {
          ctx.addIssue({
            code: 'custom',
            message: `expected comma-separated host:port entries, got ${JSON.stringify(broker)}`,
          });
          return z.NEVER;
        }
      }
      return brokers;
    }),
  /** Replicas of the topics Tailor creates; the brokers' `default.replication.factor` when unset. */
  KAFKA_REPLICATION_FACTOR: z.coerce
    .number({ error: 'expected a whole number from 1 to 16' })
    .int('expected a whole number from 1 to 16')
    .min(1, 'expected a whole number from 1 to 16')
    .max(16, 'expected a whole number from 1 to 16')
    .optional(),
  /** Names this process to the brokers. */
  KAFKA_CLIENT_ID: z.string().min(1, 'expected a client id').default('tailor'),
  /**
   * How long a consumer may miss heartbeats before its group hands its partitions on: after a
   * crash, the wait before another replica goes on (the broker allows 6 s to 300 s by default).
   */
  KAFKA_SESSION_TIMEOUT_MS: env.int(30_000, 6_000, 300_000),
  /**
   * Longest wait for a publish before producers are told to retry (SERVICE_UNAVAILABLE): kept
   * below the gateway's request deadline so a dead broker opens the bus breaker instead of
   * timing requests out.
   */
  KAFKA_PUBLISH_TIMEOUT_MS: env.int(3_000, 100, 60_000),
  /**
   * Most bytes a consumer's fetch reads of one partition: about how big a batch gets while a
   * consumer catches up (8 MiB is about 30,000 events of the contract's usual size).
   */
  KAFKA_FETCH_MAX_PARTITION_BYTES: env.int(8 * 1024 * 1024, 1024, 256 * 1024 * 1024),
  /** Most bytes of one fetch over all of a consumer's partitions (at least the above). */
  KAFKA_FETCH_MAX_BYTES: env.int(32 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  /**
   * `EVENT_BUS=kafka`: put before every topic and consumer group name (`staging.` makes
   * `staging.user-events` and the group `staging.profiles`), so deployments sharing a cluster
   * never meet. Every service of one deployment, and its outside producers, use the same.
   */
  KAFKA_NAME_PREFIX: namePrefix(),
  QDRANT_URL: env.url().optional(),
  QDRANT_API_KEY: z.string().min(1, 'expected a non-empty API key').optional(),
  /**
   * `VECTOR_STORE=qdrant`: put before every collection name (`staging_` makes `staging_items`),
   * so deployments sharing a server never meet. Every service of one deployment uses the same.
   */
  QDRANT_COLLECTION_PREFIX: namePrefix(),
  /**
   * Keys the pseudonyms that stand for user ids on the bus and in the key vault (HMAC-SHA-256).
   * Every service of a deployment must share it; unset, pseudonyms are a plain SHA-256.
   */
  USER_PSEUDONYM_SECRET: z.string().min(16, 'expected at least 16 characters').optional(),
};

/** The parsed adapter configuration; a service's config is a superset of it. */
export type AdapterConfig = z.output<z.ZodObject<typeof adapterEnvShape>>;

/**
 * Cross-variable rules of {@link adapterEnvShape}: the production adapters need their address.
 * Use as `z.object({ ...adapterEnvShape, ... }).superRefine(refineAdapterEnv)`.
 */
export function refineAdapterEnv(
  config: Pick<AdapterConfig, CheckedVariable>,
  ctx: z.RefinementCtx,
): void {
  for (const issue of adapterEnvIssues(config)) {
    ctx.addIssue({ code: 'custom', path: [issue.variable], message: issue.problem });
  }
}

type CheckedVariable =
  | 'EVENT_BUS'
  | 'VECTOR_STORE'
  | 'KAFKA_BROKERS'
  | 'QDRANT_URL'
  | 'EMBEDDER'
  | 'EMBEDDER_BASE_URL'
  | 'EMBEDDER_MODEL';

function adapterEnvIssues(
  config: Pick<AdapterConfig, CheckedVariable>,
): { variable: string; problem: string }[] {
  const issues: { variable: string; problem: string }[] = [];
  if (config.EVENT_BUS === 'kafka' && (config.KAFKA_BROKERS ?? []).length === 0) {
    issues.push({
      variable: 'KAFKA_BROKERS',
      problem: 'required when EVENT_BUS=kafka: comma-separated host:port entries',
    });
  }
  if (config.VECTOR_STORE === 'qdrant' && config.QDRANT_URL === undefined) {
    issues.push({
      variable: 'QDRANT_URL',
      problem: 'required when VECTOR_STORE=qdrant: e.g. http://127.0.0.1:6333',
    });
  }
  if (config.EMBEDDER === 'openai') {
    if (config.EMBEDDER_BASE_URL === undefined) {
      issues.push({
        variable: 'EMBEDDER_BASE_URL',
        problem: 'required when EMBEDDER=openai: e.g. http://127.0.0.1:11434/v1',
      });
    }
    if (config.EMBEDDER_MODEL === undefined) {
      issues.push({
        variable: 'EMBEDDER_MODEL',
        problem: 'required when EMBEDDER=openai: the model name the server knows',
      });
    }
  }
  return issues;
}

/** {@link adapterEnvShape} with its cross-variable rules, for processes that need only it. */
export const adapterEnvSchema = z.object(adapterEnvShape).superRefine(refineAdapterEnv);

/** The adapters one process shares between its services. */
export interface Adapters {
  bus: EventBus;
  store: VectorStore;
  embedder: Embedder;
  /** Closes the bus (stopping its subscriptions) and then the store. */
  close(): Promise<void>;
}

/** A port a process can ask {@link createAdapters} for. */
export type AdapterName = 'bus' | 'store' | 'embedder';

/** Every port: what the embedded mesh, which runs all services, asks for. */
export const ALL_ADAPTERS: readonly AdapterName[] = ['bus', 'store', 'embedder'];

/** The adapters a process asked for, and the one `close` that releases them. */
export type OpenedAdapters<N extends AdapterName> = Pick<Adapters, N | 'close'>;

/** `messaging.system` and `db.system.name` of the embedded adapters in traces. */
const EMBEDDED_SYSTEM = 'tailor.embedded';

async function createBus(config: AdapterConfig, logger: Logger): Promise<EventBus> {
  if (config.EVENT_BUS === 'kafka') {
    const bus = await createKafkaEventBus({
      brokers: config.KAFKA_BROKERS ?? [],
      clientId: config.KAFKA_CLIENT_ID,
      logger,
      defaultPartitions: config.BUS_PARTITIONS,
      sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
      publishTimeoutMs: config.KAFKA_PUBLISH_TIMEOUT_MS,
      fetchMaxBytesPerPartition: config.KAFKA_FETCH_MAX_PARTITION_BYTES,
      fetchMaxBytes: config.KAFKA_FETCH_MAX_BYTES,
      ...(config.KAFKA_REPLICATION_FACTOR === undefined
        ? {}
        : { replicationFactor: config.KAFKA_REPLICATION_FACTOR }),
    });
    const log = logger.child({ component: 'bus-breaker' });
    // Traced inside the prefix, so spans name the topics and groups as the brokers know them.
    return guardedBus(
      tracedBus(withTopicPrefix(bus, config.KAFKA_NAME_PREFIX), 'kafka'),
      new CircuitBreaker({
        name: 'bus',
        onStateChange: (state) => log.warn({ state }, 'event bus circuit changed'),
      }),
    );
  }
  const bus = await createEmbeddedEventBus({
    dataDir: config.DATA_DIR,
    logger,
    partitions: config.BUS_PARTITIONS,
    maxBatchSize: config.BUS_MAX_BATCH_MESSAGES,
  });
  // The embedded log keeps message headers, so a trace crosses it as it crosses Kafka.
  return tracedBus(bus, EMBEDDED_SYSTEM);
}

async function createStore(config: AdapterConfig, logger: Logger): Promise<VectorStore> {
  if (config.VECTOR_STORE === 'qdrant') {
    const store = await createQdrantVectorStore({
      url: config.QDRANT_URL ?? '',
      ...(config.QDRANT_API_KEY === undefined ? {} : { apiKey: config.QDRANT_API_KEY }),
      logger,
    });
    const log = logger.child({ component: 'vector-store-breaker' });
    // A server the process talks to over the network can go away: behind a breaker, requests
    // stop waiting on it, the recommender serves its fallback list, and what this process read
    // before keeps answering: catalog facts, and the user keys that seal and open events, so
    // ingest and the consumers go on for users already seen (see the kit's resilience module).
    const guarded = guardedStore(withCollectionPrefix(store, config.QDRANT_COLLECTION_PREFIX), {
      breaker: new CircuitBreaker({
        name: 'vector-store',
        onStateChange: (state) => {
          if (state === 'open') log.warn({ state }, 'vector store unavailable; calls paused');
          else log.info({ state }, 'vector store circuit changed');
        },
      }),
      lastKnown: [ITEMS_COLLECTION, USER_KEYS_COLLECTION],
    });
    return tracedStore(guarded, 'qdrant');
  }
  return tracedStore(
    await createEmbeddedVectorStore({ dataDir: config.DATA_DIR, logger }),
    EMBEDDED_SYSTEM,
  );
}

/** The embedder EMBEDDER names; its dimension sizes the collections the services create. */
export async function createEmbedder(config: AdapterConfig, logger: Logger): Promise<Embedder> {
  switch (config.EMBEDDER) {
    case 'local':
      return createLocalEmbedder({
        modelDir: config.EMBEDDER_MODEL_DIR,
        batchSize: config.EMBEDDER_BATCH_SIZE,
        threads: config.EMBEDDER_THREADS,
        logger,
      });
    case 'openai':
      return createOpenAiEmbedder({
        baseUrl: config.EMBEDDER_BASE_URL ?? '',
        model: config.EMBEDDER_MODEL ?? '',
        ...(config.EMBEDDER_API_KEY === undefined ? {} : { apiKey: config.EMBEDDER_API_KEY }),
        timeoutMs: config.EMBEDDER_TIMEOUT_MS,
        batchSize: config.EMBEDDER_BATCH_SIZE,
      });
    default:
      return createHashedEmbedder({ dimension: config.EMBEDDING_DIMENSION });
  }
}

const EMBEDDING_VECTORS: ReadonlySet<string> = new Set([
  ITEM_VECTOR,
  PROFILE_LONG_VECTOR,
  PROFILE_SHORT_VECTOR,
]);

/**
 * The setting behind a refused collection layout, and what to do. A store only knows the vector
 * that differs; the operator needs to hear which setting changed since the collection was made.
 */
function layoutIssue(
  err: CollectionLayoutError,
  config: AdapterConfig,
  embedder: Embedder | undefined,
): { variable: string; problem: string } | undefined {
  const fresh =
    'or start on an empty store (another DATA_DIR, or drop the Qdrant collection) and load the catalog again';
  if (EMBEDDING_VECTORS.has(err.vector)) {
    const now =
      config.EMBEDDER === 'hashed'
        ? `EMBEDDER=hashed with EMBEDDING_DIMENSION=${config.EMBEDDING_DIMENSION}`
        : `EMBEDDER=${config.EMBEDDER}` +
          (embedder === undefined ? '' : ` (${embedder.model}, ${embedder.dimension}-d)`);
    return {
      variable: 'EMBEDDER',
      problem:
        `collection ${err.collection} was made by another embedder than ${now}; set EMBEDDER ` +
        `(and EMBEDDING_DIMENSION) back to what made it, ${fresh}. ${err.message}`,
    };
  }
  if (err.vector === CF_VECTOR) {
    return {
      variable: 'CF_DIMENSION',
      problem:
        `collection ${err.collection} was made with another CF_DIMENSION than ` +
        `${config.CF_DIMENSION}; set it back, ${fresh}. ${err.message}`,
    };
  }
  return undefined;
}

/** `store`, whose layout refusals of the shared collections name the setting that changed. */
function namingLayoutSettings(
  store: VectorStore,
  config: AdapterConfig,
  embedder: Embedder | undefined,
): VectorStore {
  const ensureCollection = async (spec: Parameters<VectorStore['ensureCollection']>[0]) => {
    try {
      await store.ensureCollection(spec);
    } catch (err) {
      const issue =
        err instanceof CollectionLayoutError ? layoutIssue(err, config, embedder) : undefined;
      if (issue === undefined) throw err;
      throw new ConfigError(`Invalid configuration:\n  ${issue.variable}: ${issue.problem}`, [
        issue,
      ]);
    }
  };
  return new Proxy(store, {
    get(target, key) {
      if (key === 'ensureCollection') return ensureCollection;
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

/**
 * Opens the adapters the configuration names, only those in `only` (all by default): a service
 * that never publishes should not hold a Kafka connection. Checks the cross-variable rules
 * again, so a service whose schema forgot {@link refineAdapterEnv} still stops with a clear
 * message.
 */
export async function createAdapters<N extends AdapterName = AdapterName>(
  config: AdapterConfig,
  logger: Logger,
  only: readonly N[] = ALL_ADAPTERS as readonly N[],
): Promise<OpenedAdapters<N>> {
  const issues = adapterEnvIssues(config);
  if (issues.length > 0) {
    const lines = issues.map((i) => `  ${i.variable}: ${i.problem}`).join('\n');
    throw new ConfigError(`Invalid configuration:\n${lines}`, issues);
  }
  const wants = new Set<AdapterName>(only);
  const embedder = wants.has('embedder') ? await createEmbedder(config, logger) : undefined;
  const bus = wants.has('bus') ? await createBus(config, logger) : undefined;
  let store: VectorStore | undefined;
  try {
    store = wants.has('store')
      ? namingLayoutSettings(await createStore(config, logger), config, embedder)
      : undefined;
  } catch (err) {
    await bus?.close();
    throw err;
  }
  logger.info(
    {
      component: 'adapters',
      ...(bus === undefined ? {} : { bus: config.EVENT_BUS }),
      ...(store === undefined ? {} : { store: config.VECTOR_STORE }),
      ...(embedder === undefined ? {} : { embedder: embedder.model }),
      dataDir: path.resolve(config.DATA_DIR),
    },
    'adapters ready',
  );
  const opened = {
    ...(bus === undefined ? {} : { bus }),
    ...(store === undefined ? {} : { store }),
    ...(embedder === undefined ? {} : { embedder }),
    close: async () => {
      try {
        await bus?.close();
      } finally {
        try {
          await store?.close();
        } finally {
          await embedder?.close?.();
        }
      }
    },
  };
  // The keys present are exactly those asked for, which is what the type says.
  return opened as OpenedAdapters<N>;
}
