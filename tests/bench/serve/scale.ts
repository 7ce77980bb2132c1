import diagnostics from 'node:diagnostics_channel';
import { mkdirSync } from 'node:fs';
import type { Agent } from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';

import {
  type ConsumedEvent,
  createEmbeddedEventBus,
  createEmbeddedVectorStore,
  createHashedEmbedder,
  createQdrantVectorStore,
  ITEM_VECTOR,
  type ItemPayload,
  ITEMS_COLLECTION,
  itemsCollectionSpec,
  MODELS_COLLECTION,
  type PointInput,
  PROFILE_LONG_VECTOR,
  PROFILES_COLLECTION,
  publishUserEvents,
  silentLogger,
  type VectorStore,
  withCollectionPrefix,
} from '@tailor/kit';
import { waitFor } from '@tailor/kit/testing';
import { ProfileService, profileSettings } from '@tailor/profiles';
import { startRecommender } from '@tailor/recommender';

import { benchConfig } from '../lib/config.js';
import { postGraphql } from '../lib/graphql.js';
import { benchProfileMetrics } from '../lib/profile-metrics.js';
import { dropCollections, type IndexState, waitUntilIndexed } from '../lib/qdrant.js';
import { normal, seededRandom } from '../lib/random.js';
import { msSince, rounded, summarize } from '../lib/stats.js';
import { withTempDir } from '../lib/temp.js';

/** Catalog sizes of the curve, per store. */
export const SCALE_SIZES = {
  embedded: [1_000, 10_000, 30_000, 100_000],
  qdrant: [1_000, 10_000, 100_000],
} as const;
export type ScaleStore = keyof typeof SCALE_SIZES;
const INSERT_BATCH = 1_000;
const HISTORY_EVENTS = 50;
const WARMUP_ROUNDS = 5;
/** Recommendations of the wire count that follows the timed rounds, per Qdrant point. */
const WIRE_RECOMMENDATIONS = 20;
const CATEGORIES = 12;
/** Share of items out of stock: the filter then has something to skip, as in a real shop. */
const OUT_OF_STOCK_EVERY = 10;

/** Latency of one catalog size. */
export interface ScalePoint {
  store: ScaleStore;
  items: number;
  dimension: number;
  insertSeconds: number;
  /** Qdrant only: where its indexing of `items` stood when the requests began. */
  qdrantIndex?: IndexState;
  /** The store's search as the recommender issues it for a top-10 list. */
  storeSearchMs: ReturnType<typeof summarize>;
  /** A whole `recommendations(first: 10)` request to the recommender subgraph on loopback. */
  recommendationMs: ReturnType<typeof summarize>;
  /** Resident memory of the bench process with every point loaded (Qdrant's is its own). */
  rssMiB: number;
  /** Qdrant only: what one recommendation costs on the wire, counted after the timed rounds. */
  wire?: WireCount;
}

/** What one recommendation asks of Qdrant, averaged over {@link WIRE_RECOMMENDATIONS}. */
export interface WireCount {
  recommendations: number;
  /** Store calls per list, from the recommender's own histogram of them. */
  callsPerList: number;
  /** Store calls per list by operation, from the recommender's counter of them. */
  callsByOperation: Record<string, number>;
  /** Bytes per list written to and read from Qdrant's port (HTTP headers and JSON). */
  bytesSent: number;
  bytesReceived: number;
}

/** Every TCP client socket the process opens, to count what crossed Qdrant's port. */
const sockets: Socket[] = [];
diagnostics.subscribe('net.client.socket', (message) => {
  sockets.push((message as { socket: Socket }).socket);
});

function bytesTo(port: number): { sent: number; received: number } {
  let sent = 0;
  let received = 0;
  for (const socket of sockets) {
    if (socket.remotePort !== port) continue;
    sent += socket.bytesWritten;
    received += socket.bytesRead;
  }
  return { sent, received };
}

/** Sum of a Prometheus series in `text`, labels matched by `labels` (a regexp fragment). */
function series(text: string, name: string, labels = ''): number {
  const pattern = new RegExp(`^${name}\\{[^}]*${labels}[^}]*\\} (\\S+)$`, 'gm');
  let sum = 0;
  for (const match of text.matchAll(pattern)) sum += Number(match[1]);
  return sum;
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

/** Points loaded so far by this process, to give each its own collections. */
let loadedPoints = 0;

/** One point of the curve, loaded and served, ready to be asked. */
export interface LoadedPoint {
  store: ScaleStore;
  items: number;
  dimension: number;
  insertSeconds: number;
  index?: IndexState;
  /** One store search and one recommendation request, timed, in ms. */
  ask(): Promise<{ searchMs: number; recommendationMs: number }>;
  /** Qdrant only: recommendations alone, their store calls and bytes counted. */
  wire?(): Promise<WireCount>;
  /** One `recommendations(first: 10)` request, untimed. */
  recommend(): Promise<void>;
  /** The recommender's Prometheus metrics, as text. */
  metrics(): Promise<string>;
  /**
   * Publishes an event of the user that their profile will never hold (no profile updater
   * reads this bus), and waits until the recommender heard it: from then on its profile cache
   * no longer trusts the user's profile, so every list reads it (and, with
   * RECOMMENDER_PROFILE_GUESS, guesses its batch). A skip: it moves no trending or popularity
   * count, so the lists ask what they asked before.
   */
  act(): Promise<void>;
  /** The store (the one the recommender reads, unwrapped), the user's query and seen items. */
  vectorStore: VectorStore;
  query: Float32Array;
  seen: string[];
  close(): Promise<void>;
}

/**
 * Loads one point of the curve: synthetic items of the production dimension in a fresh
 * directory (embedded) or in collections of its own (Qdrant), a user with
 * {@link HISTORY_EVENTS} likes applied by the real profile updater, and the recommender
 * subgraph over that store.
 */
export async function loadPoint(
  kind: ScaleStore,
  items: number,
  qdrantUrl: string | undefined,
  dataDir: string,
  options: {
    /** What the recommender is given instead of the store (the breakdown times its calls). */
    wrapStore?: (store: VectorStore) => VectorStore;
    /** The Qdrant store's HTTP Agent (the breakdown times each exchange through it). */
    agent?: Agent;
    /** Settings of the recommender besides the bench's defaults, as the environment gives them. */
    config?: Record<string, string>;
  } = {},
): Promise<LoadedPoint> {
  const wrapStore = options.wrapStore ?? ((s: VectorStore) => s);
  const logger = silentLogger();
  const config = benchConfig(dataDir, options.config);
  const dimension = config.EMBEDDING_DIMENSION;
  const embedder = createHashedEmbedder({ dimension });
  // Numbered: the breakdown loads two Qdrant points of the same size.
  loadedPoints += 1;
  const prefix = `bench-scale-${process.pid}-${items}-${loadedPoints}-`;
  const made = [ITEMS_COLLECTION, PROFILES_COLLECTION, MODELS_COLLECTION].map((c) => prefix + c);
  const store =
    kind === 'qdrant'
      ? withCollectionPrefix(
          await createQdrantVectorStore({
            url: qdrantUrl ?? '',
            logger,
            ...(options.agent === undefined ? {} : { agent: options.agent }),
          }),
          prefix,
        )
      : await createEmbeddedVectorStore({ dataDir, logger });
  const bus = await createEmbeddedEventBus({ dataDir, logger });
  const closeAll = async () => {
    await bus.close();
    if (kind === 'qdrant' && qdrantUrl !== undefined) await dropCollections(qdrantUrl, made);
    await store.close();
  };
  const now = Date.now();
  try {
    await store.ensureCollection(itemsCollectionSpec(dimension));
    const started = process.hrtime.bigint();
    await insertItems(store, items, dimension, now);
    const index =
      kind === 'qdrant' && qdrantUrl !== undefined
        ? await waitUntilIndexed(qdrantUrl, prefix + ITEMS_COLLECTION)
        : undefined;
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
      store: wrapStore(store),
      embedder,
      host: '127.0.0.1',
      port: 0,
    });
    const recommend = async () => {
      const data = await postGraphql<{
        recommendations: { strategy: string; items: unknown[] };
      }>(
        recommender.url,
        'query { recommendations(userId: "scale-user", first: 10) { strategy items { item { id } score } } }',
      );
      const list = data.recommendations;
      if (list.strategy !== 'PERSONALIZED' || list.items.length !== 10) {
        throw new Error(`unexpected list: ${JSON.stringify(list).slice(0, 200)}`);
      }
    };
    const metrics = async () =>
      (await fetch(recommender.url.replace(/\/graphql$/, '/metrics'))).text();
    const qdrantPort = qdrantUrl === undefined ? undefined : Number(new URL(qdrantUrl).port);
    const wire = async (): Promise<WireCount> => {
      const calls = (text: string) => ({
        lists: series(text, 'tailor_recommendation_store_calls_count', 'strategy="personalized"'),
        sum: series(text, 'tailor_recommendation_store_calls_sum', 'strategy="personalized"'),
        byOperation: Object.fromEntries(
          [
            ...text.matchAll(
              /^tailor_recommender_store_calls_total\{[^}]*operation="(\w+)"[^}]*\} (\S+)$/gm,
            ),
          ].map((match) => [match[1]!, Number(match[2])]),
        ),
      });
      const before = calls(await metrics());
      const bytesBefore = bytesTo(qdrantPort ?? 0);
      for (let i = 0; i < WIRE_RECOMMENDATIONS; i += 1) await recommend();
      const bytesAfter = bytesTo(qdrantPort ?? 0);
      const after = calls(await metrics());
      const lists = after.lists - before.lists;
      const byOperation: Record<string, number> = {};
      for (const op of Object.keys(after.byOperation)) {
        const made = (after.byOperation[op] ?? 0) - (before.byOperation[op] ?? 0);
        if (made > 0) byOperation[op] = Number((made / lists).toFixed(2));
      }
      return {
        recommendations: lists,
        callsPerList: Number(((after.sum - before.sum) / lists).toFixed(2)),
        callsByOperation: byOperation,
        bytesSent: Math.round((bytesAfter.sent - bytesBefore.sent) / lists),
        bytesReceived: Math.round((bytesAfter.received - bytesBefore.received) / lists),
      };
    };
    return {
      store: kind,
      items,
      dimension,
      insertSeconds: Number(insertSeconds.toFixed(2)),
      ...(index === undefined ? {} : { index }),
      ask: async () => {
        let at = process.hrtime.bigint();
        // The recommender's content query for a top 10: 100 candidates, in stock, unseen, the
        // facts it reads and no vectors (those come from its cache).
        await store.search(ITEMS_COLLECTION, {
          using: ITEM_VECTOR,
          vector: query,
          limit: 100,
          withPayload: ['itemId', 'title', 'category', 'tags', 'inStock', 'createdAt', 'updatedAt'],
          filter: {
            must: [{ key: 'inStock', match: { value: true } }],
            must_not: [{ has_id: seen }],
          },
        });
        const searchMs = msSince(at);
        at = process.hrtime.bigint();
        await recommend();
        const recommendationMs = msSince(at);
        return { searchMs, recommendationMs };
      },
      ...(kind === 'qdrant' ? { wire } : {}),
      recommend,
      metrics,
      act: async () => {
        const heard = recommender.eventsRead();
        await publishUserEvents(bus, [
          {
            eventId: `scale-act-${heard}`,
            userId: 'scale-user',
            itemId: 'item-0',
            type: 'skip',
            timestamp: Date.now(),
          },
        ]);
        await waitFor(() => recommender.eventsRead() > heard, {
          description: "the user's skip heard by the recommender",
        });
      },
      vectorStore: store,
      query,
      seen,
      close: async () => {
        await recommender.close();
        await closeAll();
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/**
 * The whole curve: every point of every store is loaded first, then asked in rounds, one
 * request to each point per round, so a load from elsewhere on the machine falls on all points
 * alike and the ratios between them hold; the first rounds only warm up. Qdrant runs against the
 * server at `qdrantUrl`, in collections of its own that it drops afterwards.
 */
export async function runScaleCurve(
  stores: readonly ScaleStore[],
  repeats: number,
  qdrantUrl: string | undefined,
  progress: (message: string) => void,
): Promise<ScalePoint[]> {
  return withTempDir('scale', async (dir) => {
    const loaded: LoadedPoint[] = [];
    try {
      for (const kind of stores) {
        for (const items of SCALE_SIZES[kind]) {
          const dataDir = path.join(dir, `${kind}-${items}`);
          mkdirSync(dataDir);
          const point = await loadPoint(kind, items, qdrantUrl, dataDir);
          loaded.push(point);
          const index = point.index === undefined ? '' : `, Qdrant index ${point.index.status}`;
          progress(`  ${kind} ${items} items loaded in ${point.insertSeconds} s${index}`);
        }
      }
      const rssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
      const timings = loaded.map(() => ({
        search: [] as number[],
        recommendation: [] as number[],
      }));
      for (let round = 0; round < WARMUP_ROUNDS + repeats; round += 1) {
        for (const [i, point] of loaded.entries()) {
          const { searchMs, recommendationMs } = await point.ask();
          if (round < WARMUP_ROUNDS) continue;
          timings[i]!.search.push(searchMs);
          timings[i]!.recommendation.push(recommendationMs);
        }
      }
      const wires: (WireCount | undefined)[] = [];
      for (const point of loaded) wires.push(await point.wire?.());
      return loaded.map((point, i) => ({
        store: point.store,
        items: point.items,
        dimension: point.dimension,
        insertSeconds: point.insertSeconds,
        ...(point.index === undefined ? {} : { qdrantIndex: point.index }),
        storeSearchMs: rounded(summarize(timings[i]!.search), 2),
        recommendationMs: rounded(summarize(timings[i]!.recommendation), 2),
        rssMiB,
        ...(wires[i] === undefined ? {} : { wire: wires[i] }),
      }));
    } finally {
      for (const point of loaded) await point.close();
    }
  });
}
