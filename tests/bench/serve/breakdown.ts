import { mkdirSync } from 'node:fs';
import type { ClientRequest, IncomingMessage } from 'node:http';
import http from 'node:http';
import path from 'node:path';

import {
  ITEM_VECTOR,
  ITEMS_COLLECTION,
  PROFILES_COLLECTION,
  qdrantIdLookups,
  type SearchRequest,
  type VectorStore,
} from '@tailor/kit';

import { startDelayProxy } from '../lib/delay-proxy.js';
import { fixed, grouped, printTable, say } from '../lib/output.js';
import { percentile, summarize } from '../lib/stats.js';
import { withTempDir } from '../lib/temp.js';
import { type LoadedPoint, loadPoint, type ScaleStore } from './scale.js';

/** Catalog size of the breakdown: the point of `qdrantToEmbeddedRecommendation1k`. */
export const BREAKDOWN_ITEMS = 1_000;
const WARMUP = 20;
/** Times each captured JSON text is parsed again, to time the parse apart from the wire. */
const PARSE_REPEATS = 20;

/** One HTTP exchange with Qdrant, seen from this process. */
interface Exchange {
  path: string;
  /** performance.now() when the request was created (its body already serialized). */
  startedAt: number;
  /** From the request's creation to the answer's first byte (headers). */
  firstByteMs: number;
  /** From the request's creation to the answer's last byte. */
  exchangeMs: number;
  /** Qdrant's own time for the call (the answer's `time`), in ms. */
  qdrantMs: number | null;
  bytesSent: number;
  bytesReceived: number;
  requestText: string;
  responseText: string;
}

/**
 * Every request that goes through the returned Agent (the Qdrant store's, through its `agent`
 * option), timed from its creation to its answer's last byte, with both bodies kept. Node hands
 * each request to its Agent from the request's constructor, before the body is written, so the
 * start is the adapter's `http.request` call itself.
 */
function recordExchanges(): { agent: http.Agent; exchanges: Exchange[] } {
  const exchanges: Exchange[] = [];
  const onRequest = (request: ClientRequest) => {
    const startedAt = performance.now();
    const sent: Buffer[] = [];
    const end = request.end.bind(request) as (...args: unknown[]) => ClientRequest;
    request.end = ((...args: unknown[]) => {
      if (typeof args[0] === 'string') sent.push(Buffer.from(args[0]));
      return end(...args);
    }) as ClientRequest['end'];
    request.once('response', (response: IncomingMessage) => {
      const firstByteAt = performance.now();
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () => {
        const responseText = Buffer.concat(chunks).toString('utf8');
        const time = /"time":([0-9.eE+-]+)\s*}\s*$/.exec(responseText);
        const requestText = Buffer.concat(sent).toString('utf8');
        exchanges.push({
          path: request.path,
          startedAt,
          firstByteMs: firstByteAt - startedAt,
          exchangeMs: performance.now() - startedAt,
          qdrantMs: time === null ? null : Number(time[1]) * 1000,
          bytesSent: Buffer.byteLength(requestText),
          bytesReceived: Buffer.byteLength(responseText),
          requestText,
          responseText,
        });
      });
    });
  };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  // Not in Node's typings, but the documented path of every request through an Agent.
  const withAdd = agent as unknown as {
    addRequest(request: ClientRequest, options: unknown): void;
  };
  const addRequest = withAdd.addRequest.bind(agent);
  withAdd.addRequest = (request, options) => {
    onRequest(request);
    addRequest(request, options);
  };
  return { agent, exchanges };
}

/** One store call the recommender made. */
interface StoreCall {
  operation: string;
  startedAt: number;
  wallMs: number;
}

/** The store, each call's wall time noted in `calls` while `recording.on`. */
function timedStore(
  store: VectorStore,
  calls: StoreCall[],
  recording: { on: boolean },
): VectorStore {
  return new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function' || key === 'close') return value;
      const method = (value as (...a: unknown[]) => Promise<unknown>).bind(target);
      return async (...args: unknown[]) => {
        const startedAt = performance.now();
        try {
          return await method(...args);
        } finally {
          if (recording.on) {
            calls.push({
              operation: String(key),
              startedAt,
              wallMs: performance.now() - startedAt,
            });
          }
        }
      };
    },
  });
}

/** Sum and count of the recommender's own duration histogram (seconds), personalized lists. */
function durationSeconds(text: string): { sum: number; count: number } {
  const read = (name: string) =>
    Number(
      new RegExp(`^${name}\\{[^}]*strategy="personalized"[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ??
        0,
    );
  return {
    sum: read('tailor_recommendation_duration_seconds_sum'),
    count: read('tailor_recommendation_duration_seconds_count'),
  };
}

/** Batches guessed beside the profile read so far, whatever their outcome. */
function guessedBatches(text: string): number {
  return [
    ...text.matchAll(/^tailor_recommendation_guessed_batches_total\{[^}]*\} (\S+)$/gm),
  ].reduce((sum, match) => sum + Number(match[1]), 0);
}

/** How long the proxy of the `over a link` variants holds each chunk, each way. */
export const LINK_DELAY_MS = 1;

/** The profile read on every list: the recommender's path for a user who acted since. */
const PROFILE_READ = { RECOMMENDER_PROFILE_CACHE_USERS: '0' };
/**
 * The guess needs the profile cache, so its variants keep it and make the profile untrusted
 * instead (`acted`): every list reads the profile, as with {@link PROFILE_READ}.
 */
const GUESSED = { RECOMMENDER_PROFILE_GUESS: 'true' };

/**
 * What is measured: each store as the recommender runs by default (a returning user who did
 * nothing since their last list: the profile kept, one call), each again with the profile read
 * on every list (RECOMMENDER_PROFILE_CACHE_USERS 0: the two calls of a user who acted since),
 * and on Qdrant that once more with RECOMMENDER_PROFILE_GUESS on and the user's one event heard
 * before the lists, which the profile never holds (the batch the profile the cache keeps to guess
 * by asks for, sent beside the profile read), so each gain is read within one run. On loopback
 * both calls wait for the same two cores, so the Qdrant variants run again through a proxy that
 * delays every chunk by {@link LINK_DELAY_MS} each way: the idle wait of a Qdrant across a
 * network.
 */
const VARIANTS: readonly {
  store: ScaleStore;
  variant: string;
  config?: Record<string, string>;
  overLink?: true;
  /** The user acts once before the lists (see LoadedPoint.act), and every list guesses. */
  acted?: true;
}[] = [
  { store: 'embedded', variant: 'embedded' },
  { store: 'qdrant', variant: 'qdrant' },
  { store: 'embedded', variant: 'embedded, profile read', config: PROFILE_READ },
  { store: 'qdrant', variant: 'qdrant, profile read', config: PROFILE_READ },
  { store: 'qdrant', variant: 'qdrant, profile read, guessed', config: GUESSED, acted: true },
  { store: 'qdrant', variant: 'qdrant over a link', overLink: true },
  {
    store: 'qdrant',
    variant: 'qdrant over a link, profile read',
    config: PROFILE_READ,
    overLink: true,
  },
  {
    store: 'qdrant',
    variant: 'qdrant over a link, profile read, guessed',
    config: GUESSED,
    overLink: true,
    acted: true,
  },
];

/** Medians of one store's recommendation, each part in ms. */
export interface RecommendationBreakdown {
  store: ScaleStore;
  /** The store's name, or a Qdrant variant (`qdrant, guessed`, `over a link`: {@link VARIANTS}). */
  variant: string;
  items: number;
  recommendations: number;
  /** The whole `recommendations(first: 10)` request on loopback, p50 and p95. */
  requestMs: { p50: number; p95: number };
  /** Mean of the recommender's own duration histogram: `build`, store calls included. */
  buildMeanMs: number;
  /** Request minus build (mean): GraphQL parse, execution and HTTP of the subgraph. */
  graphqlMeanMs: number;
  /** Store calls per list and their summed wall time (the adapter's promise). */
  storeCallsPerList: number;
  storeMs: { p50: number; mean: number };
  /** Build minus store time (means): the recommender's own work in this process. */
  recommenderWorkMeanMs: number;
  /** Qdrant only: each call kind's parts, medians in ms, and bytes. */
  calls?: CallBreakdown[];
}

/** One kind of Qdrant call of a recommendation, split. */
export interface CallBreakdown {
  path: string;
  perList: number;
  /** The adapter's whole call (the store promise). */
  wallMs: number;
  /** Request created to the answer's last byte. */
  exchangeMs: number;
  /** Request created to the answer's first byte. */
  firstByteMs: number;
  /** Qdrant's own `time` for the call. */
  qdrantMs: number;
  /** Exchange minus Qdrant's time: loopback, both HTTP stacks and the wait for a core. */
  wireMs: number;
  /** Wall minus exchange: serializing, parsing, turning points into the port's shape. */
  clientMs: number;
  /** Of `clientMs`: from the store call to the request's creation. */
  beforeMs: number;
  /** Of `clientMs`: from the answer's last byte to the store call's promise settling. */
  afterMs: number;
  /** JSON.parse of the answer alone and JSON.stringify of the request alone, timed apart. */
  parseMs: number;
  stringifyMs: number;
  bytesSent: number;
  bytesReceived: number;
}

/**
 * The Qdrant adapter's retrieves of `_tailorId` for hits whose point ids it had not mapped,
 * and the hits they covered, over the timed lists of every Qdrant variant.
 */
export interface IdLookups {
  calls: number;
  points: number;
}

/** A request shape of the content query, timed straight on the store. */
export interface ShapeTiming {
  store: ScaleStore;
  shape: string;
  wallMs: number;
  /** Qdrant only. */
  qdrantMs?: number;
  bytesReceived?: number;
}

function timeParse(texts: readonly string[]): number {
  const times = texts
    .filter((text) => text !== '')
    .map((text) => {
      const at = performance.now();
      for (let i = 0; i < PARSE_REPEATS; i += 1) JSON.parse(text);
      return (performance.now() - at) / PARSE_REPEATS;
    });
  return median(times);
}

function timeStringify(texts: readonly string[]): number {
  const values = texts.filter((text) => text !== '').map((text) => JSON.parse(text) as unknown);
  const times = values.map((value) => {
    const at = performance.now();
    for (let i = 0; i < PARSE_REPEATS; i += 1) JSON.stringify(value);
    return (performance.now() - at) / PARSE_REPEATS;
  });
  return median(times);
}

const round = (value: number, decimals = 3) => Number(value.toFixed(decimals));

function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/**
 * Where the time of one recommendation goes, on both stores at {@link BREAKDOWN_ITEMS} items:
 * `rounds` recommendations per store, alternating between the stores so load from elsewhere
 * falls on both alike; each store call timed at the port, each Qdrant exchange at the socket,
 * with Qdrant's own time from its answer. Then the content query alone in a few shapes.
 */
export async function runBreakdown(
  stores: readonly ScaleStore[],
  rounds: number,
  qdrantUrl: string | undefined,
  progress: (message: string) => void,
): Promise<{
  recommendations: RecommendationBreakdown[];
  shapes: ShapeTiming[];
  idLookups: IdLookups;
}> {
  return withTempDir('breakdown', async (dir) => {
    const recording = { on: false };
    const points: {
      point: LoadedPoint;
      variant: string;
      calls: StoreCall[];
      requests: number[];
      acted: boolean;
    }[] = [];
    const recorder = recordExchanges();
    const link =
      qdrantUrl !== undefined && stores.includes('qdrant')
        ? await startDelayProxy(qdrantUrl, LINK_DELAY_MS)
        : undefined;
    try {
      for (const [i, { store, variant, config, overLink, acted }] of VARIANTS.entries()) {
        if (!stores.includes(store)) continue;
        const dataDir = path.join(dir, String(i));
        mkdirSync(dataDir);
        const calls: StoreCall[] = [];
        const url = overLink === true ? link?.url : qdrantUrl;
        const point = await loadPoint(store, BREAKDOWN_ITEMS, url, dataDir, {
          wrapStore: (s) => timedStore(s, calls, recording),
          agent: recorder.agent,
          ...(config === undefined ? {} : { config }),
        });
        if (acted === true) await point.act();
        points.push({ point, variant, calls, requests: [], acted: acted === true });
        progress(`  breakdown: ${variant} ${BREAKDOWN_ITEMS} items loaded`);
      }
      for (let i = 0; i < WARMUP; i += 1) for (const { point } of points) await point.recommend();
      const before = await Promise.all(
        points.map(async (p) => {
          const text = await p.point.metrics();
          return { ...durationSeconds(text), guessed: guessedBatches(text) };
        }),
      );
      recorder.exchanges.length = 0;
      const lookupsBefore = qdrantIdLookups();
      recording.on = true;
      for (let i = 0; i < rounds; i += 1) {
        for (const p of points) {
          const at = performance.now();
          await p.point.recommend();
          p.requests.push(performance.now() - at);
        }
      }
      recording.on = false;
      const lookupsAfter = qdrantIdLookups();
      const idLookups = {
        calls: lookupsAfter.calls - lookupsBefore.calls,
        points: lookupsAfter.points - lookupsBefore.points,
      };
      const exchanges = [...recorder.exchanges];
      const after = await Promise.all(
        points.map(async (p) => {
          const text = await p.point.metrics();
          return { ...durationSeconds(text), guessed: guessedBatches(text) };
        }),
      );
      points.forEach((p, index) => {
        const guessed = after[index]!.guessed - before[index]!.guessed;
        // A guessed variant that guessed fewer lists would time the unguessed path under its name.
        if (p.acted && guessed < rounds) {
          throw new Error(`${p.variant}: ${guessed} of ${rounds} lists guessed their batch`);
        }
      });

      const recommendations = points.map(
        ({ point, variant, calls, requests }, index): RecommendationBreakdown => {
          const built = {
            sum: after[index]!.sum - before[index]!.sum,
            count: after[index]!.count - before[index]!.count,
          };
          const buildMeanMs = (built.sum / Math.max(1, built.count)) * 1000;
          const request = summarize(requests);
          // Calls grouped per list: each list's calls fall between its request's start and end;
          // summing every call over the lists is what the lists spent on the store.
          const storeTotal = calls.reduce((sum, call) => sum + call.wallMs, 0);
          const storeMean = storeTotal / rounds;
          const perList = calls.length / rounds;
          const result: RecommendationBreakdown = {
            store: point.store,
            variant,
            items: point.items,
            recommendations: rounds,
            requestMs: { p50: round(request.p50), p95: round(request.p95) },
            buildMeanMs: round(buildMeanMs),
            graphqlMeanMs: round(request.mean - buildMeanMs),
            storeCallsPerList: round(perList, 2),
            storeMs: { p50: round(storeP50(calls, rounds)), mean: round(storeMean) },
            recommenderWorkMeanMs: round(buildMeanMs - storeMean),
          };
          if (point.store !== 'qdrant') return result;
          return { ...result, calls: callBreakdowns(calls, exchanges, rounds) };
        },
      );

      const shapes = await timeShapes(
        points.filter((p) => p.variant === p.point.store).map((p) => p.point),
        recorder.exchanges,
      );
      return { recommendations, shapes, idLookups };
    } finally {
      for (const { point } of points) await point.close();
      recorder.agent.destroy();
      await link?.close();
    }
  });
}

/** The store time of a typical list: the median of the per-list sums, lists split evenly. */
function storeP50(calls: readonly StoreCall[], rounds: number): number {
  const perList = Math.max(1, Math.round(calls.length / rounds));
  const sums: number[] = [];
  for (let i = 0; i + perList <= calls.length; i += perList) {
    sums.push(calls.slice(i, i + perList).reduce((sum, call) => sum + call.wallMs, 0));
  }
  return median(sums);
}

/** Each Qdrant call kind of the lists, its exchange matched to the store call around it. */
function callBreakdowns(
  calls: readonly StoreCall[],
  exchanges: readonly Exchange[],
  rounds: number,
): CallBreakdown[] {
  const byPath = new Map<string, { call: StoreCall; exchange: Exchange }[]>();
  for (const exchange of exchanges) {
    // The call that started last before the request: a background read beside a list's call
    // overlaps it, and the request belongs to the one that made it.
    let call: StoreCall | undefined;
    for (const c of calls) {
      const holds =
        exchange.startedAt >= c.startedAt && exchange.startedAt <= c.startedAt + c.wallMs;
      if (holds && (call === undefined || c.startedAt > call.startedAt)) call = c;
    }
    if (call === undefined) continue;
    // Collection names carry the run's prefix; the kind of call is what matters.
    const kind = `${call.operation} ${exchange.path.replace(/\/collections\/[^/]+/, '/collections/{c}')}`;
    const list = byPath.get(kind) ?? [];
    list.push({ call, exchange });
    byPath.set(kind, list);
  }
  return [...byPath.entries()].map(([kind, pairs]) => {
    const of = (read: (pair: { call: StoreCall; exchange: Exchange }) => number) =>
      median(pairs.map(read));
    return {
      path: kind,
      perList: round(pairs.length / rounds, 2),
      wallMs: round(of((p) => p.call.wallMs)),
      exchangeMs: round(of((p) => p.exchange.exchangeMs)),
      firstByteMs: round(of((p) => p.exchange.firstByteMs)),
      qdrantMs: round(of((p) => p.exchange.qdrantMs ?? Number.NaN)),
      wireMs: round(of((p) => p.exchange.exchangeMs - (p.exchange.qdrantMs ?? 0))),
      clientMs: round(of((p) => p.call.wallMs - p.exchange.exchangeMs)),
      beforeMs: round(of((p) => p.exchange.startedAt - p.call.startedAt)),
      afterMs: round(
        of(
          (p) => p.call.startedAt + p.call.wallMs - (p.exchange.startedAt + p.exchange.exchangeMs),
        ),
      ),
      parseMs: round(timeParse(pairs.slice(0, 50).map((p) => p.exchange.responseText)), 4),
      stringifyMs: round(timeStringify(pairs.slice(0, 50).map((p) => p.exchange.requestText)), 4),
      bytesSent: Math.round(of((p) => p.exchange.bytesSent)),
      bytesReceived: Math.round(of((p) => p.exchange.bytesReceived)),
    };
  });
}

const SHAPE_REPEATS = 100;
const SHAPE_WARMUP = 10;
const FACT_KEYS = ['title', 'category', 'tags', 'inStock', 'createdAt', 'updatedAt'];

/**
 * The content query of a top 10 in a few shapes, straight on each store (no recommender): what
 * the candidate count, the payload selected, vectors on the wire and the filter each cost.
 */
async function timeShapes(
  points: readonly LoadedPoint[],
  exchanges: Exchange[],
): Promise<ShapeTiming[]> {
  const shapes = (point: LoadedPoint): [string, () => Promise<unknown>][] => {
    const filter = {
      must: [{ key: 'inStock', match: { value: true } }],
      must_not: [{ has_id: point.seen }],
    };
    const search = (request: Partial<SearchRequest>) => () =>
      point.vectorStore.search(ITEMS_COLLECTION, {
        using: ITEM_VECTOR,
        vector: point.query,
        limit: 100,
        withPayload: FACT_KEYS,
        filter,
        ...request,
      } as SearchRequest);
    return [
      ['content top 100, facts, filtered (as the recommender)', search({})],
      ['content top 100, no payload, filtered', search({ withPayload: false })],
      ['content top 100, facts, no filter', search({ filter: undefined })],
      ['content top 100, facts and vectors, filtered', search({ withVectors: true })],
      ['content top 30, facts, filtered', search({ limit: 30 })],
      [
        'profile by id, read keys and vectors (as the recommender)',
        () =>
          point.vectorStore.retrieve(PROFILES_COLLECTION, ['scale-user'], {
            withVectors: true,
            withPayload: [
              'positiveEventCount',
              'recentItems',
              'cfModelVersion',
              'seenItemIds',
              'tags',
            ],
          }),
      ],
      [
        'profile by id, no payload, no vectors (a bare round trip)',
        () =>
          point.vectorStore.retrieve(PROFILES_COLLECTION, ['scale-user'], { withPayload: false }),
      ],
    ];
  };
  const perShape = points.map((point) => shapes(point));
  const count = perShape[0]?.length ?? 0;
  // Samples by point, then shape; every round asks every shape of every point once, so load
  // from elsewhere falls on all of them alike.
  const samples = points.map(() =>
    Array.from({ length: count }, () => ({
      wall: [] as number[],
      qdrant: [] as number[],
      bytes: [] as number[],
    })),
  );
  for (let round = 0; round < SHAPE_WARMUP + SHAPE_REPEATS; round += 1) {
    for (let s = 0; s < count; s += 1) {
      for (const [p, point] of points.entries()) {
        const [, run] = perShape[p]![s]!;
        exchanges.length = 0;
        const at = performance.now();
        await run();
        const wall = performance.now() - at;
        if (round < SHAPE_WARMUP) continue;
        const sample = samples[p]![s]!;
        sample.wall.push(wall);
        const exchange = point.store === 'qdrant' ? exchanges.at(-1) : undefined;
        if (exchange !== undefined) {
          sample.qdrant.push(exchange.qdrantMs ?? Number.NaN);
          sample.bytes.push(exchange.bytesReceived);
        }
      }
    }
  }
  return points.flatMap((point, p) =>
    perShape[p]!.map(([shape], s): ShapeTiming => {
      const sample = samples[p]![s]!;
      return {
        store: point.store,
        shape,
        wallMs: round(median(sample.wall)),
        ...(sample.qdrant.length === 0
          ? {}
          : {
              qdrantMs: round(median(sample.qdrant)),
              bytesReceived: Math.round(median(sample.bytes)),
            }),
      };
    }),
  );
}

/** The breakdown as tables. */
export function printBreakdown(breakdown: {
  recommendations: readonly RecommendationBreakdown[];
  shapes: readonly ShapeTiming[];
  idLookups: IdLookups;
}): void {
  say(
    `Qdrant id lookups during the timed lists: ${breakdown.idLookups.calls} retrieves of ` +
      `${breakdown.idLookups.points} hits' _tailorId`,
  );
  printTable(
    [
      'store',
      'lists',
      'request p50',
      'request p95',
      'build mean',
      'graphql mean',
      'store calls',
      'store p50',
      'store mean',
      'recommender work mean',
    ],
    breakdown.recommendations.map((r) => [
      r.variant,
      r.recommendations,
      fixed(r.requestMs.p50, 2),
      fixed(r.requestMs.p95, 2),
      fixed(r.buildMeanMs, 2),
      fixed(r.graphqlMeanMs, 2),
      fixed(r.storeCallsPerList, 2),
      fixed(r.storeMs.p50, 2),
      fixed(r.storeMs.mean, 2),
      fixed(r.recommenderWorkMeanMs, 2),
    ]),
  );
  const calls = breakdown.recommendations.flatMap((r) =>
    (r.calls ?? []).map((c) => ({ ...c, path: `${r.variant}: ${c.path}` })),
  );
  if (calls.length > 0) {
    say();
    printTable(
      [
        'Qdrant call (p50 ms)',
        'per list',
        'wall',
        'exchange',
        'first byte',
        'qdrant',
        'wire',
        'client',
        'before',
        'after',
        'parse',
        'stringify',
        'B sent',
        'B read',
      ],
      calls.map((c) => [
        c.path,
        fixed(c.perList, 2),
        fixed(c.wallMs, 2),
        fixed(c.exchangeMs, 2),
        fixed(c.firstByteMs, 2),
        fixed(c.qdrantMs, 2),
        fixed(c.wireMs, 2),
        fixed(c.clientMs, 2),
        fixed(c.beforeMs, 2),
        fixed(c.afterMs, 2),
        fixed(c.parseMs, 3),
        fixed(c.stringifyMs, 3),
        grouped(c.bytesSent),
        grouped(c.bytesReceived),
      ]),
    );
  }
  say();
  printTable(
    ['store', 'shape', 'wall p50', 'qdrant p50', 'B read'],
    breakdown.shapes.map((s) => [
      s.store,
      s.shape,
      fixed(s.wallMs, 2),
      s.qdrantMs === undefined ? '' : fixed(s.qdrantMs, 2),
      s.bytesReceived === undefined ? '' : grouped(s.bytesReceived),
    ]),
  );
}
