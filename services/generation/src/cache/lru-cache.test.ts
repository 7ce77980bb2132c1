import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { LruCache } from './lru-cache.js';

describe('LruCache', () => {
  describe('when more entries are set than it may hold', () => {
    it('evicts the least recently used', () => {
      const cache = new LruCache<string, number>({ maxEntries: 2 });
      cache.set('a', 1);
      cache.set('b', 2);
      assert.equal(cache.get('a'), 1);
      cache.set('c', 3);
      assert.equal(cache.get('b'), undefined);
      assert.equal(cache.get('a'), 1);
      assert.equal(cache.get('c'), 3);
    });
  });

  describe('when sizes pass the size bound', () => {
    it('evicts until the total fits, and refuses a value larger than the bound', () => {
      const cache = new LruCache<string, string>({
        maxEntries: 100,
        maxSize: 10,
        sizeOf: (v) => v.length,
      });
      cache.set('a', 'xxxx');
      cache.set('b', 'yyyy');
      cache.set('c', 'zzzz');
      assert.equal(cache.has('a'), false);
      assert.equal(cache.weight, 8);
      cache.set('huge', 'x'.repeat(11));
      assert.equal(cache.has('huge'), false);
      assert.equal(cache.size, 2);
    });
  });

  describe('when an entry has a time to live', () => {
    it('forgets it once the time has passed', () => {
      let now = 1_000;
      const cache = new LruCache<string, number>({ maxEntries: 10, now: () => now });
      cache.set('short', 1, { ttlMs: 50 });
      cache.set('long', 2);
      now += 49;
      assert.equal(cache.get('short'), 1);
      now += 1;
      assert.equal(cache.get('short'), undefined);
      assert.equal(cache.get('long'), 2);
      assert.equal(cache.size, 1);
    });
  });

  describe('when it may hold nothing', () => {
    it('keeps nothing', () => {
      const cache = new LruCache<string, number>({ maxEntries: 0 });
      cache.set('a', 1);
      assert.equal(cache.get('a'), undefined);
    });
  });
});
