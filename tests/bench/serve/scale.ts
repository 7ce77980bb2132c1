import {
  type ConsumedEvent,
  createEmbeddedEventBus,
  createEmbeddedVectorStore,
  createHashedEmbedder,
  ITEM_VECTOR,
  type ItemPayload,
  ITEMS_COLLECTION,
  itemsCollectionSpec,
  type PointInput,
  PROFILE_LONG_VECTOR,
  PROFILES_COLLECTION,
  silentLogger,
  type VectorStore,
} from '@tailor/kit';
import { ProfileService, profileSettings } from '@tailor/profiles';
import { startRecommender } from '@tailor/recommender';

import { benchConfig } from '../lib/config.js';
import { postGraphql } from '../lib/graphql.js';
import { benchProfileMetrics } from '../lib/profile-metrics.js';
import { normal, seededRandom } from '../lib/random.js';
import { msSince, rounded, summarize } from '../lib/stats.js';
import { withTempDir } from '../lib/temp.js';

/** Catalog sizes of the curve. */
export const SCALE_SIZES = [1_000, 10_000, 30_000, 100_000] as const;
const INSERT_BATCH = 1_000;
const HISTORY_EVENTS = 50;
const WARMUP_ROUNDS = 5;
const CATEGORIES = 12;
/** Share of items out of stock: the filter then has something to skip, as in a real shop. */
const OUT_OF_STOCK_EVERY = 10;

/** Latency of one catalog size. */
export interface ScalePoint {
  items: number;
  dimension: number;
  insertSeconds: number;
  /** The store's search as the recommender issues it for a top-10 list. */
  storeSearchMs: ReturnType<typeof summarize>;
  /** A whole `recommendations(first: 10)` request to the recommender subgraph on loopback. */
  recommendationMs: ReturnType<typeof summarize>;
  /** Resident memory of the bench process with the collection loaded. */
  rssMiB: number;
}

function unitVector(random: () => number, dimension: number): Float32Array {
  const vector = new Float32Array(dimension);
  let norm = 0;
  for (let i = 0; i < dimension; i += 1) {
    vector[i] = normal(random);
    norm += vector[i]! * vector[i]!;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < dimension; i += 1) vector[i] = vector[i]! * scale;
  return vector;
}

async function insertItems(store: VectorStore, count: number, dimension: number, now: number) {
  const random = seededRandom(count);
  for (let from = 0; from < count; from += INSERT_BATCH) {
    const points: PointInput[] = [];
    for (let i = from; i < Math.min(count, from + INSERT_BATCH); i += 1) {
      const payload: ItemPayload = {
        itemId: `item-${i}`,
        title: `Synthetic item ${i}`,
        description: '',
        category: `category-${i % CATEGORIES}`,
        tags: [`tag-${i % 97}`, `tag-${i % 89}`],
        price: 10 + (i % 90),
        currency: 'EUR',
        inStock: i % OUT_OF_STOCK_EVERY !== 0,
        attributes: {},
        createdAt: now - (i % 365) * 86_400_000,
        updatedAt: now,
      };
      points.push({
        id: payload.itemId,
        vectors: { [ITEM_VECTOR]: unitVector(random, dimension) },
        payload: { ...payload },
      });
    }
    await store.upsert(ITEMS_COLLECTION, points);
  }
}

/**
 * One point of the curve in a fresh directory: synthetic items of the production dimension,
 * a user with {@link HISTORY_EVENTS} likes applied by the real profile updater, then the
 * recommender subgraph asked `repeats` times for a top 10, and the store's search alone as often.
 */
async function measureSize(items: number, repeats: number): Promise<ScalePoint> {
  return withTempDir(`scale-${items}`, async (dataDir) => {
    const logger = silentLogger();
    const config = benchConfig(dataDir);
    const dimension = config.EMBEDDING_DIMENSION;
    const embedder = createHashedEmbedder({ dimension });
    const store = await createEmbeddedVectorStore({ dataDir, logger });
    const bus = await createEmbeddedEventBus({ dataDir, logger });
    const now = Date.now();
    try {
      await store.ensureCollection(itemsCollectionSpec(dimension));
      let started = process.hrtime.bigint();
      await insertItems(store, items, dimension, now);
      const insertSeconds = msSince(started) / 1000;

      const profiles = new ProfileService({
        store,
        logger,
        settings: profileSettings(config, dimension),
        metrics: benchProfileMetrics(),
      });
      await profiles.ensureCollections();
      const random = seededRandom(7);
      const history: ConsumedEvent[] = Array.from({ length: HISTORY_EVENTS }, (_, i) => ({
        event: {
          eventId: `scale-${i}`,
          userId: 'scale-user',
          itemId: `item-${Math.floor(random() * items)}`,
          type: 'like',
          timestamp: now - (HISTORY_EVENTS - i) * 60_000,
        },
        partition: 0,
        offset: String(i),
      }));
      await profiles.applyBatch(history);
      const [profile] = await store.retrieve(PROFILES_COLLECTION, ['scale-user'], {
        withVectors: true,
      });
      const query = profile?.vectors?.[PROFILE_LONG_VECTOR];
      if (query === undefined) throw new Error('the profile updater wrote no vector');
      const seen = (profile?.payload.seenItemIds ?? []) as string[];

      const recommender = await startRecommender({
        config,
        logger,
        bus,
        store,
        embedder,
        host: '127.0.0.1',
        port: 0,
      });
      const storeSearchMs: number[] = [];
      const recommendationMs: number[] = [];
      try {
        // Interleaved, so both see the same heap and caches; the first rounds only warm up.
        for (let i = 0; i < WARMUP_ROUNDS + repeats; i += 1) {
          started = process.hrtime.bigint();
          // The recommender's query for a top 10: 100 candidates, in stock, unseen, with vectors.
          await store.search(ITEMS_COLLECTION, {
            using: ITEM_VECTOR,
            vector: query,
            limit: 100,
            withVectors: true,
            filter: {
              must: [{ key: 'inStock', match: { value: true } }],
              must_not: [{ has_id: seen }],
            },
          });
          if (i >= WARMUP_ROUNDS) storeSearchMs.push(msSince(started));

          started = process.hrtime.bigint();
          const data = await postGraphql<{
            recommendations: { strategy: string; items: unknown[] };
          }>(
            recommender.url,
            'query { recommendations(userId: "scale-user", first: 10) { strategy items { item { id } score } } }',
          );
          if (i >= WARMUP_ROUNDS) recommendationMs.push(msSince(started));
          const list = data.recommendations;
          if (list.strategy !== 'PERSONALIZED' || list.items.length !== 10) {
            throw new Error(`unexpected list: ${JSON.stringify(list).slice(0, 200)}`);
          }
        }
      } finally {
        await recommender.close();
      }
      return {
        items,
        dimension,
        insertSeconds: Number(insertSeconds.toFixed(2)),
        storeSearchMs: rounded(summarize(storeSearchMs), 2),
        recommendationMs: rounded(summarize(recommendationMs), 2),
        rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
      };
    } finally {
      await bus.close();
      await store.close();
    }
  });
}

/** The whole curve, smallest first; `progress` hears about each point as it is done. */
export async function runScaleCurve(
  repeats: number,
  progress: (point: ScalePoint) => void,
): Promise<ScalePoint[]> {
  const points: ScalePoint[] = [];
  for (const items of SCALE_SIZES) {
    const point = await measureSize(items, repeats);
    progress(point);
    points.push(point);
  }
  return points;
}
