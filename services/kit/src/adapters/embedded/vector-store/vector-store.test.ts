import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { pino } from 'pino';

import { type Logger, silentLogger } from '../../../logger.js';
import type {
  CollectionSpec,
  Filter,
  Payload,
  PointInput,
  VectorStore,
} from '../../../ports/vector-store.js';
import { describeVectorStoreConformance, reopenable, tempDirs } from '../../../testing/index.js';
import { createEmbeddedVectorStore } from './embedded-vector-store.js';
import { compileFilter } from './filter.js';

describeVectorStoreConformance('embedded', async () => {
  const { first, reopen, cleanup } = await reopenable((dataDir) =>
    createEmbeddedVectorStore({ dataDir, logger: silentLogger() }),
  );
  return { store: first, reopen, cleanup };
});

// The same suite with every search scored on the worker thread, the path large collections take.
describeVectorStoreConformance('embedded, scanning on the worker thread', async () => {
  const { first, reopen, cleanup } = await reopenable((dataDir) =>
    createEmbeddedVectorStore({ dataDir, logger: silentLogger(), workerScanMinValues: 0 }),
  );
  return { store: first, reopen, cleanup };
});

const tempDir = tempDirs();

/** A small deterministic generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const open = (dataDir: string, snapshotWalBytes?: number, workerScanMinValues?: number) =>
  createEmbeddedVectorStore({
    dataDir,
    logger: silentLogger(),
    ...(snapshotWalBytes === undefined ? {} : { snapshotWalBytes }),
    ...(workerScanMinValues === undefined ? {} : { workerScanMinValues }),
  });

/** A logger at debug level whose lines a test can read. */
function recordingLogger(): { logger: Logger; messages: () => string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return { logger, messages: () => lines.map((l) => (JSON.parse(l) as { msg: string }).msg) };
}

interface Case {
  id: string;
  vector: Float32Array;
  payload: { bucket: number; tags: string[] };
}

/** Random points with a bucket and tags; every fifth lacks the `cf` vector. */
function randomPoints(count: number, dimension: number, seed: number): Case[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, i) => ({
    id: `p${i}`,
    vector: Float32Array.from({ length: dimension }, () => next() * 2 - 1),
    payload: { bucket: i % 7, tags: i % 3 === 0 ? ['even-third'] : [] },
  }));
}

/** Collection `c` (dot product) holding the cases. */
async function loadCases(
  store: VectorStore,
  points: readonly Case[],
  dimension: number,
  payloadIndexes?: CollectionSpec['payloadIndexes'],
) {
  await store.ensureCollection({
    name: 'c',
    vectors: { v: { size: dimension, distance: 'dot' } },
    ...(payloadIndexes === undefined ? {} : { payloadIndexes }),
  });
  await store.upsert(
    'c',
    points.map((p) => ({ id: p.id, vectors: { v: p.vector }, payload: p.payload })),
  );
}

/** The dot-product top-k a plain loop finds, best first. */
function exactTopK(
  points: readonly Case[],
  query: Float32Array,
  k: number,
  keep: (p: Case) => boolean = () => true,
): { id: string; score: number }[] {
  return points
    .filter(keep)
    .map((p) => ({ id: p.id, score: p.vector.reduce((sum, x, j) => sum + x * query[j]!, 0) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

function assertSameHits(
  actual: readonly { id: string; score: number }[],
  expected: readonly { id: string; score: number }[],
): void {
  assert.deepEqual(
    actual.map((p) => p.id),
    expected.map((p) => p.id),
  );
  actual.forEach((p, i) => assert.ok(Math.abs(p.score - expected[i]!.score) < 1e-9));
}

describe('createEmbeddedVectorStore', () => {
  for (const [path, workerScanMinValues, scanWorkers] of [
    ['inline', Number.POSITIVE_INFINITY, 1],
    ['on the worker thread', 0, 1],
    // 50k points split in three shares, whose top-k lists are merged.
    ['on three worker threads', 0, 3],
  ] as const) {
    for (const indexed of [false, true]) {
      describe(`when a search is scored ${path}${indexed ? ', filtering on payload columns' : ''}`, () => {
        it('finds exactly what a plain scan finds, with and without filters', async () => {
          const { logger, messages } = recordingLogger();
          const store = await createEmbeddedVectorStore({
            dataDir: tempDir(),
            logger,
            workerScanMinValues,
            scanWorkers,
          });
          try {
            const dimension = 37; // not a multiple of 4: the unrolled loop's tail counts too
            let points = randomPoints(scanWorkers === 1 ? 3_000 : 50_000, dimension, 11);
            await loadCases(
              store,
              points,
              dimension,
              indexed ? { bucket: 'integer', tags: 'keyword' } : undefined,
            );
            if (indexed) {
              // Deletes move points between slots and upserts replace payloads: the columns follow.
              const gone = points.filter((_, i) => i % 7 === 0).map((p) => p.id);
              await store.delete('c', { ids: gone });
              points = points
                .filter((_, i) => i % 7 !== 0)
                .map((p, i) => (i % 11 === 0 ? { ...p, payload: { ...p.payload, bucket: 2 } } : p));
              await store.upsert(
                'c',
                points
                  .filter((_, i) => i % 11 === 0)
                  .map((p) => ({ id: p.id, vectors: { v: p.vector }, payload: p.payload })),
              );
            }
            const query = randomPoints(1, dimension, 99)[0]!.vector;
            const search = (limit: number, filter?: Filter) =>
              store.search('c', {
                using: 'v',
                vector: query,
                limit,
                ...(filter === undefined ? {} : { filter }),
              });

            assertSameHits(await search(10), exactTopK(points, query, 10));
            assertSameHits(await search(5_000), exactTopK(points, query, 5_000));
            // A filter most points pass, one few pass, and one none passes.
            assertSameHits(
              await search(10, { must_not: [{ key: 'bucket', match: { value: 3 } }] }),
              exactTopK(points, query, 10, (p) => p.payload.bucket !== 3),
            );
            assertSameHits(
              await search(25, {
                must: [
                  { key: 'bucket', match: { value: 2 } },
                  { key: 'tags', match: { value: 'even-third' } },
                ],
              }),
              exactTopK(
                points,
                query,
                25,
                (p) => p.payload.bucket === 2 && p.payload.tags.includes('even-third'),
              ),
            );
            assert.deepEqual(
              await search(10, { must: [{ key: 'bucket', match: { value: 9 } }] }),
              [],
            );
            const near = await store.search('c', {
              using: 'v',
              nearPoint: { id: 'p5' },
              limit: 10,
            });
            assertSameHits(
              near,
              exactTopK(
                points,
                points.find((p) => p.id === 'p5')!.vector,
                10,
                (p) => p.id !== 'p5',
              ),
            );

            const onWorker = messages().filter((m) => m === 'scanned on the worker thread').length;
            assert.equal(onWorker, workerScanMinValues === 0 ? 6 : 0);
            assert.ok(!messages().some((m) => m.startsWith('scan worker failed')));
          } finally {
            await store.close();
          }
        });
      });
    }
  }

  describe('when a collection with payload columns is reopened', () => {
    it('filters on columns rebuilt from the snapshot and the log', async () => {
      const dataDir = tempDir();
      const points = randomPoints(200, 8, 21);
      const first = await open(dataDir);
      await loadCases(first, points.slice(0, 150), 8, { bucket: 'integer' });
      await first.close();
      const second = await open(dataDir);
      // Crash-like: this upsert stays in the log only, and is replayed on the next open.
      await second.upsert(
        'c',
        points.slice(150).map((p) => ({ id: p.id, vectors: { v: p.vector }, payload: p.payload })),
      );
      const crashed = tempDir();
      fs.cpSync(dataDir, crashed, { recursive: true });
      await second.close();
      const third = await open(crashed);
      try {
        const query = randomPoints(1, 8, 4)[0]!.vector;
        const filter: Filter = { must: [{ key: 'bucket', match: { any: [1, 4] } }] };
        assertSameHits(
          await third.search('c', { using: 'v', vector: query, limit: 20, filter }),
          exactTopK(points, query, 20, (p) => [1, 4].includes(p.payload.bucket)),
        );
      } finally {
        await third.close();
      }
    });
  });

  describe('when writes land while the worker scans', () => {
    it('answers from the data before or after each write, never from a mix', async () => {
      const store = await open(tempDir(), undefined, 0);
      try {
        const dimension = 64;
        let points = randomPoints(4_000, dimension, 5);
        await loadCases(store, points, dimension);
        const query = randomPoints(1, dimension, 3)[0]!.vector;
        for (let round = 0; round < 20; round += 1) {
          const before = exactTopK(points, query, 3);
          // Posted to the worker before the write applies; answered before or after it.
          const searching = store.search('c', { using: 'v', vector: query, limit: 3 });
          const replaced = before[round % 3]!.id;
          const vector = Float32Array.from(query, (x) => -x);
          const writing = store.upsert('c', [
            { id: replaced, vectors: { v: vector }, payload: {} },
          ]);
          const [hits] = await Promise.all([searching, writing]);
          points = points.map((p) => (p.id === replaced ? { ...p, vector } : p));
          const after = exactTopK(points, query, 3);
          const ids = hits.map((h) => h.id).join();
          assert.ok(
            ids === before.map((h) => h.id).join() || ids === after.map((h) => h.id).join(),
            `round ${round}: ${ids}`,
          );
        }
      } finally {
        await store.close();
      }
    });
  });

  describe('when callers change what they read', () => {
    it('shares frozen payloads with search hits, so a write throws and the store is unchanged', async () => {
      for (const workerScanMinValues of [Number.POSITIVE_INFINITY, 0]) {
        const store = await open(tempDir(), undefined, workerScanMinValues);
        try {
          await store.ensureCollection({ name: 'c', vectors: { v: { size: 2, distance: 'dot' } } });
          const payload = { tags: ['x'], brand: { name: 'acme' }, n: 1 };
          await store.upsert('c', [{ id: 'a', vectors: { v: [1, 0] }, payload }]);
          const [all] = await store.search('c', { using: 'v', vector: [1, 0], limit: 1 });
          const [some] = await store.search('c', {
            using: 'v',
            vector: [1, 0],
            limit: 1,
            withPayload: ['brand'],
          });
          assert.throws(() => (all!.payload.tags as string[]).push('changed'), TypeError);
          assert.throws(() => {
            (all!.payload as { n: number }).n = 2;
          }, TypeError);
          assert.throws(() => {
            (some!.payload.brand as { name: string }).name = 'changed';
          }, TypeError);
          assert.throws(() => {
            some!.payload.extra = true;
          }, TypeError);
          // Reads after a search hit shared the payload still hand out private copies.
          const [copy] = await store.retrieve('c', ['a']);
          (copy!.payload.tags as string[]).push('mine');
          const [again] = await store.retrieve('c', ['a']);
          assert.deepEqual(again!.payload, { tags: ['x'], brand: { name: 'acme' }, n: 1 });
          // The caller's own input object was never frozen: the store keeps a copy of it.
          payload.tags.push('still mine');
          assert.deepEqual(payload.tags, ['x', 'still mine']);
        } finally {
          await store.close();
        }
      }
    });

    it('copies payload keys JSON allows but assignment would misread (__proto__)', async () => {
      const store = await open(tempDir());
      try {
        await store.ensureCollection({ name: 'c', vectors: { v: { size: 2, distance: 'dot' } } });
        const payload = JSON.parse('{"__proto__": {"polluted": true}, "n": 1}') as Payload;
        await store.upsert('c', [{ id: 'a', vectors: { v: [1, 0] }, payload }]);
        const [point] = await store.retrieve('c', ['a']);
        assert.ok(Object.hasOwn(point!.payload, '__proto__'));
        assert.equal((point!.payload as { polluted?: boolean }).polluted, undefined);
        assert.equal(Object.getPrototypeOf(point!.payload), Object.prototype);
      } finally {
        await store.close();
      }
    });
  });

  describe('when searching many random points', () => {
    it('returns exactly what a brute-force scan over the matching points returns', async () => {
      const store = await open(tempDir());
      try {
        const next = random(7);
        const dimension = 16;
        await store.ensureCollection({
          name: 'many',
          vectors: { v: { size: dimension, distance: 'cosine' } },
        });
        const points: PointInput[] = Array.from({ length: 600 }, (_, i) => ({
          id: `p${i}`,
          vectors: { v: Array.from({ length: dimension }, () => next() * 2 - 1) },
          payload: { bucket: i % 5, flag: i % 3 === 0 },
        }));
        await store.upsert('many', points);
        await store.delete('many', { ids: points.filter((_, i) => i % 7 === 0).map((p) => p.id) });
        const alive = points.filter((_, i) => i % 7 !== 0);
        const filter: Filter = {
          must: [{ key: 'bucket', match: { any: [1, 2, 4] } }],
          must_not: [{ key: 'flag', match: { value: true } }],
        };
        const matches = compileFilter(filter);
        const query = Array.from({ length: dimension }, () => next() * 2 - 1);
        const norm = (v: readonly number[]) => Math.hypot(...v);
        const expected = alive
          .filter((p) => matches(p.id, p.payload))
          .map((p) => {
            const v = p.vectors.v as number[];
            const dot = v.reduce((sum, x, j) => sum + x * query[j]!, 0);
            return { id: p.id, score: dot / (norm(v) * norm(query)) };
          })
          .sort((a, b) => b.score - a.score)
          .slice(0, 25);

        const result = await store.search('many', { using: 'v', vector: query, limit: 25, filter });
        assert.deepEqual(
          result.map((p) => p.id),
          expected.map((p) => p.id),
        );
        result.forEach((p, i) => assert.ok(Math.abs(p.score - expected[i]!.score) < 1e-5));
      } finally {
        await store.close();
      }
    });
  });

  describe('when writing', () => {
    it('logs every write ahead and snapshots on close', async () => {
      const dataDir = tempDir();
      const store = await open(dataDir);
      await store.ensureCollection({ name: 'c', vectors: { v: { size: 2, distance: 'dot' } } });
      await store.upsert('c', [{ id: 'a', vectors: { v: [1, 2] }, payload: { n: 1 } }]);
      const wal = path.join(dataDir, 'vectors', 'c.wal');
      const snapshot = path.join(dataDir, 'vectors', 'c.snapshot');
      assert.ok(fs.statSync(wal).size > 0, 'the write is in the log before upsert resolves');
      assert.ok(fs.existsSync(snapshot), 'a new collection has a snapshot at once');
      await store.close();
      assert.equal(fs.statSync(wal).size, 0, 'closing folds the log into the snapshot');
      assert.deepEqual(
        fs.readdirSync(path.join(dataDir, 'vectors')).filter((f) => f.endsWith('.tmp')),
        [],
      );
    });

    it('snapshots when the log passes the threshold, and reopens from snapshot plus log', async () => {
      const dataDir = tempDir();
      const store = await open(dataDir, 1_500);
      try {
        await store.ensureCollection({ name: 'c', vectors: { v: { size: 64, distance: 'dot' } } });
        for (let i = 0; i < 10; i += 1) {
          await store.upsert('c', [
            { id: `p${i}`, vectors: { v: new Array(64).fill(i) }, payload: { i } },
          ]);
        }
        const wal = path.join(dataDir, 'vectors', 'c.wal');
        assert.ok(fs.statSync(wal).size <= 1_500, 'the log was emptied into a snapshot');
        await store.delete('c', { ids: ['p3'] });
        await store.upsert('c', [
          { id: 'p10', vectors: { v: new Array(64).fill(10) }, payload: { i: 10 } },
        ]);
        assert.ok(fs.statSync(wal).size > 0, 'the upsert after the snapshot is in the log');
        // What is on disk now is what a crash would leave: reopen a copy of it.
        const crashed = tempDir();
        fs.cpSync(dataDir, crashed, { recursive: true });
        const reopened = await open(crashed, 1_500);
        try {
          assert.equal(await reopened.count('c'), 10);
          assert.equal((await reopened.retrieve('c', ['p10'])).length, 1);
          const [p9] = await reopened.retrieve('c', ['p9'], { withVectors: true });
          assert.deepEqual(p9?.payload, { i: 9 });
          assert.deepEqual([...(p9?.vectors?.v ?? [])], new Array(64).fill(9));
          assert.deepEqual(await reopened.retrieve('c', ['p3']), []);
        } finally {
          await reopened.close();
        }
      } finally {
        await store.close();
      }
    });

    it('leaves nothing of a deleted point on disk (its payload left the log too)', async () => {
      const dataDir = tempDir();
      const store = await open(dataDir);
      try {
        await store.ensureCollection({ name: 'c', vectors: { v: { size: 2, distance: 'dot' } } });
        await store.upsert('c', [
          { id: 'keep', vectors: { v: [1, 2] }, payload: { note: 'kept' } },
          { id: 'erase-me', vectors: { v: [3, 4] }, payload: { note: 'a-secret-payload' } },
        ]);
        await store.delete('c', { ids: ['erase-me'] });
        const files = fs
          .readdirSync(path.join(dataDir, 'vectors'))
          .map((name) => fs.readFileSync(path.join(dataDir, 'vectors', name), 'latin1'))
          .join('\n');
        assert.ok(files.includes('kept'));
        assert.ok(!files.includes('erase-me') && !files.includes('a-secret-payload'));
      } finally {
        await store.close();
      }
    });

    it('cuts off a log record torn by a crash', async () => {
      const dataDir = tempDir();
      const crashed = tempDir();
      const store = await open(dataDir);
      try {
        await store.ensureCollection({ name: 'c', vectors: { v: { size: 2, distance: 'dot' } } });
        await store.upsert('c', [{ id: 'a', vectors: { v: [1, 2] }, payload: {} }]);
        fs.cpSync(dataDir, crashed, { recursive: true });
      } finally {
        await store.close();
      }
      const wal = path.join(crashed, 'vectors', 'c.wal');
      fs.appendFileSync(wal, '{"s":2,"op":"upsert","points":[{"id":"b"');
      const reopened = await open(crashed);
      try {
        assert.deepEqual(
          (await reopened.scroll('c', { limit: 10 })).points.map((p) => p.id),
          ['a'],
        );
        await reopened.upsert('c', [{ id: 'c', vectors: { v: [0, 1] }, payload: {} }]);
      } finally {
        await reopened.close();
      }
      const third = await open(crashed);
      try {
        assert.deepEqual(
          (await third.scroll('c', { limit: 10 })).points.map((p) => p.id),
          ['a', 'c'],
        );
      } finally {
        await third.close();
      }
    });
  });

  describe('when input is wrong', () => {
    it('refuses a collection that exists with other vectors, naming the vector', async () => {
      const store = await open(tempDir());
      try {
        await store.ensureCollection({
          name: 'c',
          vectors: { content: { size: 4, distance: 'cosine' } },
        });
        await assert.rejects(
          store.ensureCollection({
            name: 'c',
            vectors: { content: { size: 8, distance: 'cosine' } },
          }),
          /Collection c exists with other vectors: vector content has size 4, asked for 8/,
        );
      } finally {
        await store.close();
      }
    });

    it('refuses a malformed filter, naming where it is wrong', async () => {
      const store = await open(tempDir());
      try {
        await store.ensureCollection({ name: 'c', vectors: { v: { size: 2, distance: 'dot' } } });
        const bad = { must: [{ key: 'x', match: { text: 'y' } }] } as unknown as Filter;
        await assert.rejects(
          store.count('c', bad),
          /filter\.must\[0\]\.match must have value or any/,
        );
        await assert.rejects(
          store.search('c', { using: 'nope', vector: [1, 0], limit: 1 }),
          /Collection c has no vector "nope"/,
        );
        await assert.rejects(
          store.upsert('c', [{ id: 'a', vectors: { v: [1, Number.NaN] }, payload: {} }]),
          /non-finite/,
        );
        await assert.rejects(
          store.ensureCollection({ name: '../x', vectors: { v: { size: 2, distance: 'dot' } } }),
        );
      } finally {
        await store.close();
      }
    });
  });
});
