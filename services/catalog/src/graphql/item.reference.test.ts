import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { CatalogItem } from '../domain/stored-item.js';
import { ItemLoaders } from './item.reference.js';

/** Loaders over a fixed catalog that record the id lists the store was asked for. */
function recordingLoaders(ids: readonly string[]) {
  const calls: string[][] = [];
  const items = new Map(ids.map((id) => [id, { id } as CatalogItem]));
  const loaders = new ItemLoaders({
    getMany: (asked) => {
      calls.push([...asked]);
      return Promise.resolve(new Map([...items].filter(([id]) => asked.includes(id))));
    },
  });
  return { loaders, calls };
}

const idOf = (item: CatalogItem | null) => item?.id ?? null;

describe('ItemLoaders', () => {
  describe('when items are asked for in one tick', () => {
    it('loads them in one call and gives each caller its item', async () => {
      const { loaders, calls } = recordingLoaders(['a', 'b']);
      const request = {};
      const items = await Promise.all(
        ['a', 'b', 'missing', 'a'].map((id) => loaders.load(id, request)),
      );
      assert.deepEqual(items.map(idOf), ['a', 'b', null, 'a']);
      assert.deepEqual(calls, [['a', 'b', 'missing']]);
    });
  });

  describe('when items are asked for in separate ticks', () => {
    it('loads new ids in a new call and remembers known ones for the request', async () => {
      const { loaders, calls } = recordingLoaders(['a', 'b']);
      const request = {};
      assert.equal(idOf(await loaders.load('a', request)), 'a');
      const items = await Promise.all([loaders.load('a', request), loaders.load('b', request)]);
      assert.deepEqual(items.map(idOf), ['a', 'b']);
      assert.deepEqual(calls, [['a'], ['b']]);
    });
  });

  describe('when two requests ask for the same item', () => {
    it('reads it for each: nothing is shared between requests', async () => {
      const { loaders, calls } = recordingLoaders(['a']);
      await loaders.load('a', {});
      await loaders.load('a', {});
      assert.deepEqual(calls, [['a'], ['a']]);
    });
  });

  describe('when loading fails', () => {
    it('rejects every caller of the batch', async () => {
      const loaders = new ItemLoaders({ getMany: () => Promise.reject(new Error('store down')) });
      const request = {};
      const results = await Promise.allSettled([
        loaders.load('a', request),
        loaders.load('b', request),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['rejected', 'rejected'],
      );
    });
  });
});
