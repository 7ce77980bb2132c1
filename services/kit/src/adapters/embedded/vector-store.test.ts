import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { silentLogger } from '../../logger.js';
import type { Filter, PointInput } from '../../ports/vector-store.js';
import { describeVectorStoreConformance, reopenable, tempDirs } from '../../testing/index.js';
import { compileFilter } from './filter.js';
import { createEmbeddedVectorStore } from './vector-store.js';

describeVectorStoreConformance('embedded', async () => {
  const { first, reopen, cleanup } = await reopenable((dataDir) =>
    createEmbeddedVectorStore({ dataDir, logger: silentLogger() }),
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

const open = (dataDir: string, snapshotWalBytes?: number) =>
  createEmbeddedVectorStore({
    dataDir,
    logger: silentLogger(),
    ...(snapshotWalBytes === undefined ? {} : { snapshotWalBytes }),
  });

describe('createEmbeddedVectorStore', () => {
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
