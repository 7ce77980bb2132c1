import { parseArgs } from 'node:util';

import {
  createEmbeddedVectorStore,
  EMBEDDED_STORE_DEFAULTS,
  type Filter,
  type PointInput,
  silentLogger,
  type VectorStore,
} from '@tailor/kit';

import { startTestMesh } from '../../e2e/harness.js';
import { postGraphql } from '../lib/graphql.js';
import { runHeader } from '../lib/machine.js';
import { fixed, grouped, printTable, runBench, say } from '../lib/output.js';
import { writeResults } from '../lib/paths.js';
import { normal, seededRandom } from '../lib/random.js';
import { type LatencySummary, msSince, rounded, summarize } from '../lib/stats.js';
import { withTempDir } from '../lib/temp.js';
import { type PlainCatalog, type PlainFilter, plainScan, plainScanSerial } from './plain-scan.js';

/*
 * bench:vectors: the embedded vector store's exact search against a plain hand-written scan
 * (plain-scan.ts) over the same normalized vectors, in the same process and the same rounds;
 * then whether the mesh stays responsive while a large search runs. See tests/bench/README.md.
 */

const COLLECTION = 'bench_vectors';
const CATEGORIES = 12;
/** One item in ten out of stock, as in bench:serve's scale curve. */
const OUT_OF_STOCK_EVERY = 10;
const INSERT_BATCH = 1_000;
const WARMUP_ROUNDS = 5;
const QUERIES = 16;

const IN_STOCK: Filter = { must: [{ key: 'inStock', match: { value: true } }] };
const CATEGORY_IN_STOCK: Filter = {
  must: [
    { key: 'inStock', match: { value: true } },
    { key: 'category', match: { value: 'c3' } },
  ],
};

/** One kind of search, as the store and as the plain scan ask it. */
interface SearchCase {
  name: string;
  limit: number;
  filter: Filter | undefined;
  plain: PlainFilter;
}

const CASES: readonly SearchCase[] = [
  { name: 'top10', limit: 10, filter: undefined, plain: null },
  { name: 'top10InStock', limit: 10, filter: IN_STOCK, plain: (c, row) => c.inStock[row] === true },
  {
    name: 'top10CategoryInStock',
    limit: 10,
    filter: CATEGORY_IN_STOCK,
    plain: (c, row) => c.inStock[row] === true && c.category[row] === 'c3',
  },
  { name: 'top100', limit: 100, filter: undefined, plain: null },
];

const VARIANTS = ['plain', 'plainSerial', 'storeInline', 'storeWorker', 'storeOneWorker'] as const;
type Variant = (typeof VARIANTS)[number];

interface Catalog {
  plain: PlainCatalog;
  points: PointInput[];
  queries: Float32Array[];
}

function unitVector(random: () => number, dimension: number): Float32Array {
  const v = new Float32Array(dimension);
  let norm = 0;
  for (let j = 0; j < dimension; j += 1) {
    v[j] = normal(random);
    norm += v[j]! * v[j]!;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let j = 0; j < dimension; j += 1) v[j] = v[j]! * scale;
  return v;
}

/** Items with a shop's payload (title, description, price, tags) and normalized vectors. */
function makeCatalog(count: number, dimension: number): Catalog {
  const random = seededRandom(count);
  const vectors = new Float32Array(count * dimension);
  const points: PointInput[] = [];
  const inStock: boolean[] = [];
  const category: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const v = unitVector(random, dimension);
    vectors.set(v, i * dimension);
    inStock.push(i % OUT_OF_STOCK_EVERY !== 0);
    category.push(`c${i % CATEGORIES}`);
    points.push({
      id: `item-${i}`,
      vectors: { v },
      payload: {
        title: `Item ${i}`,
        description: `A description of item ${i}, long enough to be a real one. `.repeat(3),
        category: category[i],
        inStock: inStock[i],
        price: { amount: (i % 500) + 0.99, currency: 'EUR' },
        tags: [`t${i % 17}`, `t${i % 23}`, `t${i % 29}`],
      },
    });
  }
  const queries = Array.from({ length: QUERIES }, () => unitVector(random, dimension));
  return { plain: { vectors, dimension, count, inStock, category }, points, queries };
}

async function load(store: VectorStore, catalog: Catalog): Promise<void> {
  await store.ensureCollection({
    name: COLLECTION,
    vectors: { v: { size: catalog.plain.dimension, distance: 'cosine' } },
    // What the items collection declares (itemsCollectionSpec), so filters take the same path.
    payloadIndexes: { category: 'keyword', inStock: 'bool', tags: 'keyword', price: 'float' },
  });
  for (let i = 0; i < catalog.points.length; i += INSERT_BATCH) {
    await store.upsert(COLLECTION, catalog.points.slice(i, i + INSERT_BATCH));
  }
}

interface CaseResult {
  case: string;
  limit: number;
  filtered: boolean;
  /** Which path the store takes at this size with its defaults. */
  storePath: 'inline' | 'worker';
  ms: Record<Variant, LatencySummary>;
  /** Rounds where a store's ids differed from the plain scan's (ties aside, should be 0). */
  mismatches: { storeInline: number; storeWorker: number; storeOneWorker: number };
}

interface SizeResult {
  items: number;
  dimension: number;
  cases: CaseResult[];
}

/** p50 of the store on its default path over p50 of the plain scan. */
function storeToPlain(result: CaseResult): number {
  const store = result.storePath === 'worker' ? result.ms.storeWorker : result.ms.storeInline;
  return store.p50 / result.ms.plain.p50;
}

async function measureSize(items: number, dimension: number, rounds: number): Promise<SizeResult> {
  const catalog = makeCatalog(items, dimension);
  const ids = (rows: readonly { row: number }[]) => rows.map((h) => `item-${h.row}`).join();
  return withTempDir('vectors', async (dir) => {
    const inline = await createEmbeddedVectorStore({
      dataDir: `${dir}/inline`,
      logger: silentLogger(),
      workerScanMinValues: Number.POSITIVE_INFINITY,
    });
    const worker = await createEmbeddedVectorStore({
      dataDir: `${dir}/worker`,
      logger: silentLogger(),
      workerScanMinValues: 0,
    });
    const oneWorker = await createEmbeddedVectorStore({
      dataDir: `${dir}/one-worker`,
      logger: silentLogger(),
      workerScanMinValues: 0,
      scanWorkers: 1,
    });
    try {
      await load(inline, catalog);
      await load(worker, catalog);
      await load(oneWorker, catalog);
      const samples = CASES.map(() => new Map<Variant, number[]>(VARIANTS.map((v) => [v, []])));
      const mismatches = CASES.map(() => ({ storeInline: 0, storeWorker: 0, storeOneWorker: 0 }));
      for (let round = 0; round < WARMUP_ROUNDS + rounds; round += 1) {
        const query = catalog.queries[round % catalog.queries.length]!;
        for (const [c, searchCase] of CASES.entries()) {
          const request = {
            using: 'v',
            vector: query,
            limit: searchCase.limit,
            ...(searchCase.filter === undefined ? {} : { filter: searchCase.filter }),
          };
          const answers = new Map<Variant, string>();
          // Every round starts with another variant, so a busy moment of the shared machine
          // falls on all of them alike.
          for (let k = 0; k < VARIANTS.length; k += 1) {
            const variant = VARIANTS[(round + k) % VARIANTS.length]!;
            const start = process.hrtime.bigint();
            let answer: string;
            if (variant === 'plain' || variant === 'plainSerial') {
              const scan = variant === 'plain' ? plainScan : plainScanSerial;
              answer = ids(scan(catalog.plain, query, searchCase.limit, searchCase.plain));
            } else {
              const store =
                variant === 'storeInline' ? inline : variant === 'storeWorker' ? worker : oneWorker;
              const hits = await store.search(COLLECTION, request);
              answer = hits.map((h) => h.id).join();
            }
            const ms = msSince(start);
            if (round >= WARMUP_ROUNDS) samples[c]!.get(variant)!.push(ms);
            answers.set(variant, answer);
          }
          if (answers.get('storeInline') !== answers.get('plain')) mismatches[c]!.storeInline += 1;
          if (answers.get('storeWorker') !== answers.get('plain')) mismatches[c]!.storeWorker += 1;
          if (answers.get('storeOneWorker') !== answers.get('plain')) {
            mismatches[c]!.storeOneWorker += 1;
          }
        }
      }
      const storePath =
        items * dimension >= EMBEDDED_STORE_DEFAULTS.workerScanMinValues ? 'worker' : 'inline';
      return {
        items,
        dimension,
        cases: CASES.map((searchCase, c) => ({
          case: searchCase.name,
          limit: searchCase.limit,
          filtered: searchCase.filter !== undefined,
          storePath,
          ms: Object.fromEntries(
            VARIANTS.map((v) => [v, rounded(summarize(samples[c]!.get(v)!))]),
          ) as Record<Variant, LatencySummary>,
          mismatches: mismatches[c]!,
        })),
      };
    } finally {
      await inline.close();
      await worker.close();
      await oneWorker.close();
    }
  });
}

interface ProbeRun {
  /** `{ __typename }` through the gateway, one after the other, while the searches ran. */
  typenameMs: LatencySummary;
  /** The searches (top-10, in stock) run back to back meanwhile. */
  searchMs: LatencySummary;
}

/**
 * Sends `{ __typename }` to the gateway one request after another while `searches` top-10
 * searches run back to back on `store`, in the mesh's own process (the thread it serves on).
 */
async function probeWhile(
  gatewayUrl: string,
  store: VectorStore | null,
  searches: number,
  queries: readonly Float32Array[],
): Promise<ProbeRun> {
  const typename: number[] = [];
  const search: number[] = [];
  let done = false;
  const probing = (async () => {
    while (!done) {
      const start = process.hrtime.bigint();
      await postGraphql(gatewayUrl, '{ __typename }');
      typename.push(msSince(start));
    }
  })();
  if (store === null) {
    // The idle baseline: as many probes as a loaded run takes, with nothing else going on.
    while (typename.length < searches * 4) await new Promise((r) => setTimeout(r, 1));
  } else {
    for (let i = 0; i < searches; i += 1) {
      const start = process.hrtime.bigint();
      await store.search(COLLECTION, {
        using: 'v',
        vector: queries[i % queries.length]!,
        limit: 10,
        filter: IN_STOCK,
      });
      search.push(msSince(start));
      // Each search stands for a request of its own: the event loop turns between them.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  done = true;
  await probing;
  return { typenameMs: rounded(summarize(typename)), searchMs: rounded(summarize(search)) };
}

interface MeshResult {
  items: number;
  idle: ProbeRun;
  /** Searching the mesh's own store (defaults: this size scans on the worker thread). */
  meshStoreOnWorker: ProbeRun;
  /** Searching a store in the same process with every scan inline, as before issue 14. */
  inlineStore: ProbeRun;
}

async function measureMesh(items: number, dimension: number, searches: number) {
  const catalog = makeCatalog(items, dimension);
  const test = await startTestMesh();
  try {
    const url = test.mesh.gatewayUrl;
    await load(test.mesh.adapters.store, catalog);
    return await withTempDir('vectors-inline', async (dir) => {
      const inline = await createEmbeddedVectorStore({
        dataDir: dir,
        logger: silentLogger(),
        workerScanMinValues: Number.POSITIVE_INFINITY,
      });
      try {
        await load(inline, catalog);
        // Warm both paths (and the gateway) before anything is recorded.
        await probeWhile(url, test.mesh.adapters.store, WARMUP_ROUNDS, catalog.queries);
        await probeWhile(url, inline, WARMUP_ROUNDS, catalog.queries);
        const result: MeshResult = {
          items,
          idle: await probeWhile(url, null, searches, catalog.queries),
          meshStoreOnWorker: await probeWhile(
            url,
            test.mesh.adapters.store,
            searches,
            catalog.queries,
          ),
          inlineStore: await probeWhile(url, inline, searches, catalog.queries),
        };
        return result;
      } finally {
        await inline.close();
      }
    });
  } finally {
    await test.destroy();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '1000,10000,30000,100000' },
      dimension: { type: 'string', default: '256' },
      rounds: { type: 'string', default: '30' },
      'mesh-searches': { type: 'string', default: '30' },
      'skip-mesh': { type: 'boolean', default: false },
    },
  });
  const sizes = values.sizes.split(',').map((s) => Number(s.trim()));
  const dimension = Number(values.dimension);
  const rounds = Number(values.rounds);
  const meshSearches = Number(values['mesh-searches']);
  for (const [name, value] of [
    ['--sizes', Math.min(...sizes)],
    ['--dimension', dimension],
    ['--rounds', rounds],
    ['--mesh-searches', meshSearches],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`${name} needs whole numbers of at least 1`);
    }
  }

  const results: SizeResult[] = [];
  for (const items of sizes) {
    say(`${grouped(items)} items of ${dimension} dimensions: ${rounds} rounds`);
    const result = await measureSize(items, dimension, rounds);
    results.push(result);
    printTable(
      [
        'case',
        'path',
        'plain ms',
        'serial ms',
        'inline ms',
        'workers ms',
        '1 worker ms',
        'store/plain',
        'miss',
      ],
      result.cases.map((c) => [
        c.case,
        c.storePath,
        fixed(c.ms.plain.p50, 3),
        fixed(c.ms.plainSerial.p50, 3),
        fixed(c.ms.storeInline.p50, 3),
        fixed(c.ms.storeWorker.p50, 3),
        fixed(c.ms.storeOneWorker.p50, 3),
        fixed(storeToPlain(c), 2),
        c.mismatches.storeInline + c.mismatches.storeWorker + c.mismatches.storeOneWorker,
      ]),
    );
    say();
  }

  const largest = results.at(-1)!;
  const ratioOf = (name: string) => {
    const found = largest.cases.find((c) => c.case === name);
    return found === undefined ? null : Number(storeToPlain(found).toFixed(3));
  };
  const bySize = Object.fromEntries(
    results.map((r) => [
      r.items,
      Object.fromEntries(r.cases.map((c) => [c.case, Number(storeToPlain(c).toFixed(3))])),
    ]),
  );
  const workerToInline = Object.fromEntries(
    results.map((r) => {
      const top10 = r.cases.find((c) => c.case === 'top10')!;
      return [r.items, Number((top10.ms.storeWorker.p50 / top10.ms.storeInline.p50).toFixed(3))];
    }),
  );

  let mesh: MeshResult | null = null;
  if (!values['skip-mesh']) {
    say(`the mesh, while ${grouped(largest.items)}-item searches run`);
    mesh = await measureMesh(largest.items, dimension, meshSearches);
    printTable(
      ['while', 'typename p50 ms', 'p95', 'max', 'search p50 ms'],
      (
        [
          ['nothing', mesh.idle],
          ['mesh store (worker)', mesh.meshStoreOnWorker],
          ['inline store', mesh.inlineStore],
        ] as const
      ).map(([label, run]) => [
        label,
        fixed(run.typenameMs.p50, 2),
        fixed(run.typenameMs.p95, 2),
        fixed(run.typenameMs.max, 2),
        fixed(run.searchMs.p50, 2),
      ]),
    );
  }

  const file = writeResults('vector-store', {
    ...runHeader('vectors'),
    dimension,
    rounds,
    warmupRounds: WARMUP_ROUNDS,
    workerScanMinValues: EMBEDDED_STORE_DEFAULTS.workerScanMinValues,
    scanWorkers: EMBEDDED_STORE_DEFAULTS.scanWorkers,
    method:
      'Same process, same rounds: each round one query (16 seeded unit vectors, cycled) per case, every variant in turn, starting with another each round. plain = hand-written Float32Array scan, four running sums, own min-heap, filter as a field check before the dot product; plainSerial = the same with one running sum; storeInline / storeWorker / storeOneWorker = createEmbeddedVectorStore search with workerScanMinValues Infinity / 0 (default scanWorkers) / 0 with scanWorkers 1; ratios use the store on its default path at that size. Figures are p50 ms.',
    ratios: {
      storeToPlainScan: {
        items: largest.items,
        top10: ratioOf('top10'),
        top10InStock: ratioOf('top10InStock'),
        top10CategoryInStock: ratioOf('top10CategoryInStock'),
        top100: ratioOf('top100'),
      },
      storeToPlainScanBySize: bySize,
      workerToInlineTop10: workerToInline,
      ...(mesh === null
        ? {}
        : {
            typenameP50DuringSearchMs: {
              meshStoreOnWorker: mesh.meshStoreOnWorker.typenameMs.p50,
              inlineStore: mesh.inlineStore.typenameMs.p50,
              idle: mesh.idle.typenameMs.p50,
            },
          }),
    },
    sizes: results,
    mesh,
  });
  say(`wrote ${file}`);
}

runBench(main);
