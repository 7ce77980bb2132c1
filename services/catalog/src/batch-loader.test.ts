import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createBatchLoader } from './batch-loader.js';

/** A loader over a fixed map that records the key lists it was called with. */
function recordingLoader(data: ReadonlyMap<string, number>) {
  const calls: string[][] = [];
  const load = createBatchLoader<string, number>((keys) => {
    calls.push([...keys]);
    return Promise.resolve(new Map([...data].filter(([key]) => keys.includes(key))));
  });
  return { load, calls };
}

describe('createBatchLoader', () => {
  describe('when keys are asked for in one tick', () => {
    it('loads them in one call and gives each caller its value', async () => {
      const { load, calls } = recordingLoader(
        new Map([
          ['a', 1],
          ['b', 2],
        ]),
      );
      const values = await Promise.all([load('a'), load('b'), load('missing'), load('a')]);
      assert.deepEqual(values, [1, 2, undefined, 1]);
      assert.deepEqual(calls, [['a', 'b', 'missing']]);
    });
  });

  describe('when keys are asked for in separate ticks', () => {
    it('loads new keys in a new call and remembers known ones', async () => {
      const { load, calls } = recordingLoader(
        new Map([
          ['a', 1],
          ['b', 2],
        ]),
      );
      assert.equal(await load('a'), 1);
      assert.deepEqual(await Promise.all([load('a'), load('b')]), [1, 2]);
      assert.deepEqual(calls, [['a'], ['b']]);
    });
  });

  describe('when loading fails', () => {
    it('rejects every caller of the batch', async () => {
      const load = createBatchLoader<string, number>(() => Promise.reject(new Error('store down')));
      const results = await Promise.allSettled([load('a'), load('b')]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['rejected', 'rejected'],
      );
    });
  });
});
