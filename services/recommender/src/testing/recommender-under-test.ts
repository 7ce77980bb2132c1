import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  CF_VECTOR,
  createEmbeddedEventBus,
  createEmbeddedVectorStore,
  createHashedEmbedder,
  CURRENT_MODEL_ID,
  type Embedder,
  type EventBus,
  ITEM_VECTOR,
  type ItemPayload,
  ITEMS_COLLECTION,
  itemsCollectionSpec,
  loadConfig,
  type ModelPayload,
  MODELS_COLLECTION,
  modelsCollectionSpec,
  PROFILE_LONG_VECTOR,
  PROFILE_SHORT_VECTOR,
  type ProfilePayload,
  PROFILES_COLLECTION,
  profilesCollectionSpec,
  type RecentInteraction,
  silentLogger,
  type Subscription,
  USER_EVENTS_TOPIC,
  type UserEvent,
  type VectorStore,
} from '@tailor/kit';
import { z } from 'zod';

import { type RecommenderConfig, recommenderEnvShape } from '../config.js';
import { type RunningRecommender, startRecommender } from '../subgraph.js';

/** A GraphQL answer as a test reads it. */
export interface GraphQLAnswer<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

/** An item as a test writes it; the rest of the payload gets plain defaults. */
export interface TestItem {
  id: string;
  title: string;
  category: string;
  tags?: string[];
  description?: string;
  inStock?: boolean;
  /** Epoch ms; defaults to 90 days ago so items are not "new". */
  createdAt?: number;
  /** Epoch ms; defaults to the time of the write, as the catalog's. */
  updatedAt?: number;
}

/** A profile as the profiles service would store it, built from items the user touched. */
export interface TestProfile {
  userId: string;
  /** Newest first; the long-term vector sums their item vectors, the short one is the newest. */
  interactions: RecentInteraction[];
  tags?: Record<string, number>;
  /** Defaults to the interactions' item ids. */
  seenItemIds?: string[];
  /** Defaults to the number of interactions. */
  eventCount?: number;
  /** Defaults to {@link eventCount}: every interaction counted as liked. */
  positiveEventCount?: number;
  /** Collaborative factors as profiles would fold them in, with the model version they fit. */
  cf?: { vector: readonly number[]; modelVersion: string };
  /** The log offsets the profile holds, per partition, as the profiles service stamps them. */
  offsets?: Record<string, string>;
}

export interface RecommenderUnderTest {
  recommender: RunningRecommender;
  bus: EventBus;
  store: VectorStore;
  embedder: Embedder;
  /** Every user event published on the bus so far, impressions included, parsed. */
  published: UserEvent[];
  putItems(items: TestItem[]): Promise<void>;
  putProfile(profile: TestProfile): Promise<void>;
  /**
   * Publishes a collaborative model as the trainer would: each item's `cf` factors set on its
   * point, then the `models` point `current` with the version.
   */
  putModel(modelVersion: string, factors: Record<string, readonly number[]>): Promise<void>;
  /** Starts another recommender on the same adapters (its own trending replay). */
  startAnother(): Promise<RunningRecommender>;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    url?: string,
  ): Promise<GraphQLAnswer<T>>;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;

/** The recommender's config from an empty environment (all defaults), with overrides. */
export function testConfig(overrides: Partial<RecommenderConfig> = {}): RecommenderConfig {
  // Tests swap models and expect the next list to see it: the model is read for every list.
  return {
    ...loadConfig(z.object(recommenderEnvShape), {}),
    RECOMMENDER_MODEL_REFRESH_MS: 0,
    ...overrides,
  };
}

/** The text items are embedded from in tests: what the catalog embeds, roughly. */
function itemText(item: TestItem): string {
  return [
    item.title,
    item.category,
    item.category,
    (item.tags ?? []).join(', '),
    item.description ?? '',
  ]
    .filter((part) => part !== '')
    .join('. ');
}

/**
 * Starts the recommender on 127.0.0.1, port 0, over the real embedded bus and store and the
 * hashed embedder, in a fresh temp dir removed by `close()`. Items and profiles are written
 * straight to the store, as the catalog and profiles services would.
 */
export async function startRecommenderUnderTest(
  options: {
    config?: Partial<RecommenderConfig>;
    /** What the recommender gets instead of the store, e.g. a spy; tests write to the store. */
    wrapStore?: (store: VectorStore) => VectorStore;
  } = {},
): Promise<RecommenderUnderTest> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tailor-'));
  const logger = silentLogger();
  const bus = await createEmbeddedEventBus({ dataDir, logger, retryInitialDelayMs: 10 });
  const store = await createEmbeddedVectorStore({ dataDir, logger });
  const embedder = createHashedEmbedder({ dimension: 256 });
  await store.ensureCollection(itemsCollectionSpec(embedder.dimension));
  await store.ensureCollection(profilesCollectionSpec(embedder.dimension));
  const config = testConfig(options.config);
  await store.ensureCollection(modelsCollectionSpec(config.CF_DIMENSION));
  const others: RunningRecommender[] = [];
  const published: UserEvent[] = [];
  let reader: Subscription | undefined;
  let recommender: RunningRecommender | undefined;

  const close = async () => {
    try {
      for (const other of others) await other.close();
      await recommender?.close();
      await reader?.stop();
      await bus.close();
      await store.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };

  const start = () =>
    startRecommender({
      config,
      logger,
      bus,
      store: options.wrapStore?.(store) ?? store,
      embedder,
      host: '127.0.0.1',
      port: 0,
    });

  try {
    recommender = await start();
    reader = await bus.subscribe({
      topic: USER_EVENTS_TOPIC,
      groupId: 'recommender-test-reader',
      fromBeginning: true,
      ephemeral: true,
      handleBatch: async (batch) => {
        for (const message of batch.messages) {
          const event = JSON.parse(message.value) as UserEvent & { timestamp: string };
          published.push({ ...event, timestamp: Date.parse(event.timestamp) });
        }
      },
    });
  } catch (err) {
    await close();
    throw err;
  }
  const running = recommender;

  const vectorsOf = async (ids: readonly string[]) => {
    const points = await store.retrieve(ITEMS_COLLECTION, ids, { withVectors: true });
    return new Map(points.map((p) => [p.id, p.vectors![ITEM_VECTOR]!]));
  };

  return {
    recommender: running,
    bus,
    store,
    embedder,
    published,
    putItems: async (items) => {
      const vectors = await embedder.embed(items.map(itemText));
      const now = Date.now();
      await store.upsert(
        ITEMS_COLLECTION,
        items.map((item, i) => {
          const payload: ItemPayload = {
            itemId: item.id,
            title: item.title,
            description: item.description ?? '',
            category: item.category,
            tags: item.tags ?? [],
            price: 10,
            currency: 'EUR',
            inStock: item.inStock ?? true,
            attributes: {},
            createdAt: item.createdAt ?? now - 90 * DAY_MS,
            updatedAt: item.updatedAt ?? now,
          };
          return { id: item.id, vectors: { [ITEM_VECTOR]: vectors[i]! }, payload: { ...payload } };
        }),
      );
    },
    putProfile: async (profile) => {
      const ids = profile.interactions.map((i) => i.itemId);
      const vectors = await vectorsOf(ids);
      const long = new Float32Array(embedder.dimension);
      for (const id of ids) vectors.get(id)!.forEach((x, j) => (long[j] = long[j]! + x));
      const short = ids.length === 0 ? new Float32Array(embedder.dimension) : vectors.get(ids[0]!)!;
      const payload: ProfilePayload = {
        userId: profile.userId,
        eventCount: profile.eventCount ?? profile.interactions.length,
        positiveEventCount:
          profile.positiveEventCount ?? profile.eventCount ?? profile.interactions.length,
        impressionCount: 0,
        countsByType: {},
        updatedAt: Date.now(),
        categories: {},
        tags: profile.tags ?? {},
        recentItems: profile.interactions,
        seenItemIds: profile.seenItemIds ?? ids,
        recentEventIds: [],
        offsets: profile.offsets ?? {},
        ...(profile.cf === undefined ? {} : { cfModelVersion: profile.cf.modelVersion }),
      };
      await store.upsert(PROFILES_COLLECTION, [
        {
          id: profile.userId,
          vectors: {
            [PROFILE_LONG_VECTOR]: long,
            [PROFILE_SHORT_VECTOR]: short,
            ...(profile.cf === undefined ? {} : { [CF_VECTOR]: profile.cf.vector }),
          },
          payload: { ...payload },
        },
      ]);
    },
    putModel: async (modelVersion, factors) => {
      await store.updateVectors(
        ITEMS_COLLECTION,
        Object.entries(factors).map(([id, vector]) => ({ id, vectors: { [CF_VECTOR]: vector } })),
      );
      const model: ModelPayload = {
        modelVersion,
        dimension: config.CF_DIMENSION,
        alpha: 1,
        regularization: 0.1,
        frequencyScaled: false,
        unobservedWeight: 1,
        items: Object.keys(factors).length,
        trainedAt: Date.now(),
        loss: 0,
      };
      await store.upsert(MODELS_COLLECTION, [
        { id: CURRENT_MODEL_ID, vectors: {}, payload: { ...model } },
      ]);
    },
    startAnother: async () => {
      const other = await start();
      others.push(other);
      return other;
    },
    gql: async (query, variables = {}, url = running.url) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLAnswer<never>;
    },
    close,
  };
}
