import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { TRENDING_PRUNE_BELOW, TrendingCounts, trendingWeight } from './trending.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const T0 = Date.UTC(2025, 5, 1);

const counts = () => new TrendingCounts({ halfLifeMs: DAY_MS });

describe('trendingWeight', () => {
  describe('when events are positive signals', () => {
    it('weighs views and clicks 1, carts, likes and shares 2, purchases 3', () => {
      assert.deepEqual(
        (['view', 'click', 'add_to_cart', 'like', 'share', 'purchase'] as const).map((t) =>
          trendingWeight(t),
        ),
        [1, 1, 2, 2, 2, 3],
      );
    });

    it('weighs ratings of 4 and up 2, lower ones 0', () => {
      assert.equal(trendingWeight('rating', 4), 2);
      assert.equal(trendingWeight('rating', 5), 2);
      assert.equal(trendingWeight('rating', 3.5), 0);
      assert.equal(trendingWeight('rating'), 0);
    });
  });

  describe('when events are impressions, negative or neutral', () => {
    it('weighs them 0', () => {
      for (const type of ['impression', 'dislike', 'skip', 'dwell'] as const) {
        assert.equal(trendingWeight(type, 100), 0);
      }
    });
  });
});

describe('TrendingCounts', () => {
  describe('when events age', () => {
    it('halves each count every half-life', () => {
      const c = counts();
      c.add('a', 1, T0);
      c.add('a', 3, T0 + DAY_MS);
      assert.equal(c.score('a', T0 + DAY_MS), 3.5); // 1·½ + 3
      assert.equal(c.score('a', T0 + 2 * DAY_MS), 1.75);
      const halfDay = c.score('a', T0 + 12 * HOUR_MS);
      assert.ok(Math.abs(halfDay - (2 ** -0.5 + 3 * 2 ** 0.5)) < 1e-12, `${halfDay}`);
      assert.equal(c.score('unknown', T0), 0);
    });

    it('counts events the same whatever order they arrive in', () => {
      const inOrder = counts();
      inOrder.add('a', 2, T0);
      inOrder.add('a', 1, T0 + DAY_MS);
      const late = counts();
      late.add('a', 1, T0 + DAY_MS);
      late.add('a', 2, T0);
      const now = T0 + 3 * DAY_MS;
      assert.equal(late.score('a', now), inOrder.score('a', now));
      assert.equal(inOrder.score('a', now), 2 / 8 + 1 / 4);
    });

    it('ignores events of weight 0', () => {
      const c = counts();
      c.add('a', 0, T0);
      assert.equal(c.size, 0);
    });
  });

  describe('when events run far past the first one', () => {
    it('rescales without overflow and forgets counts that decayed to nothing', () => {
      const c = counts();
      c.add('old', 1, T0);
      c.add('new', 2, T0 + 100 * DAY_MS);
      c.add('new', 1, T0 + 2000 * DAY_MS);
      assert.equal(c.size, 1);
      assert.equal(c.score('old', T0 + 2000 * DAY_MS), 0);
      assert.equal(c.score('new', T0 + 2000 * DAY_MS), 1);
      assert.ok(2 * 2 ** -100 < TRENDING_PRUNE_BELOW);
    });
  });

  describe('when ranking items', () => {
    it('orders by decayed count, ties by id, and skips what it is told to', () => {
      const c = counts();
      c.add('b', 1, T0);
      c.add('a', 1, T0);
      c.add('c', 3, T0 - DAY_MS); // 1.5 at T0
      c.add('d', 2, T0);
      const now = T0 + DAY_MS;
      assert.deepEqual(c.top(now, { limit: 10 }), [
        { itemId: 'd', score: 1 },
        { itemId: 'c', score: 0.75 },
        { itemId: 'a', score: 0.5 },
        { itemId: 'b', score: 0.5 },
      ]);
      assert.deepEqual(
        c.top(now, { limit: 2, skip: (id) => id === 'd' }).map((e) => e.itemId),
        ['c', 'a'],
      );
      assert.equal(c.maxScore(now), 1);
    });

    it('keeps ranking right after new events change the order', () => {
      const c = counts();
      c.add('a', 2, T0);
      c.add('b', 1, T0);
      assert.deepEqual(
        c.top(T0, { limit: 1 }).map((e) => e.itemId),
        ['a'],
      );
      c.add('b', 3, T0);
      assert.deepEqual(
        c.top(T0, { limit: 1 }).map((e) => e.itemId),
        ['b'],
      );
    });
  });

  describe('when items have categories', () => {
    it('ranks within a category and tracks each category top count', () => {
      const c = counts();
      c.setCategory('tent', 'outdoor');
      c.setCategory('boots', 'outdoor');
      c.setCategory('novel', 'books');
      c.add('tent', 1, T0);
      c.add('boots', 2, T0);
      c.add('novel', 3, T0);
      c.add('stranger', 5, T0);
      assert.deepEqual(c.top(T0, { limit: 5, category: 'outdoor' }), [
        { itemId: 'boots', score: 2, category: 'outdoor' },
        { itemId: 'tent', score: 1, category: 'outdoor' },
      ]);
      assert.equal(c.maxScore(T0, 'outdoor'), 2);
      assert.equal(c.maxScore(T0 + DAY_MS, 'books'), 1.5);
      assert.equal(c.maxScore(T0, 'garden'), 0);
      assert.equal(c.maxScore(T0), 5);
    });

    it('files an item counted before its category was known', () => {
      const c = counts();
      c.add('tent', 4, T0);
      c.setCategory('tent', 'outdoor');
      assert.deepEqual(
        c.top(T0, { limit: 5, category: 'outdoor' }).map((e) => e.itemId),
        ['tent'],
      );
      assert.equal(c.maxScore(T0, 'outdoor'), 4);
    });

    it('moves an item whose category changed', () => {
      const c = counts();
      c.setCategory('tent', 'outdoor');
      c.add('tent', 4, T0);
      c.setCategory('tent', 'camping');
      assert.deepEqual(c.top(T0, { limit: 5, category: 'outdoor' }), []);
      assert.equal(c.maxScore(T0, 'outdoor'), 0);
      assert.equal(c.maxScore(T0, 'camping'), 4);
    });
  });
});
