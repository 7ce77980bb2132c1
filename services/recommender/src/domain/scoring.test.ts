import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { freshness, popularity, rerank } from './scoring.js';

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2025, 5, 1);

describe('popularity', () => {
  describe('when the item trends less than the top one', () => {
    it('is log1p(trend) / log1p(maxTrend)', () => {
      assert.equal(popularity(3, 15), Math.log(4) / Math.log(16));
      assert.equal(popularity(3, 15), 0.5);
      assert.equal(popularity(15, 15), 1);
    });
  });

  describe('when nothing trends', () => {
    it('is 0', () => {
      assert.equal(popularity(0, 0), 0);
      assert.equal(popularity(0, 5), 0);
    });
  });
});

describe('freshness', () => {
  describe('when the item has some age', () => {
    it('halves every 30 days', () => {
      assert.equal(freshness(NOW, NOW), 1);
      assert.equal(freshness(NOW - 30 * DAY_MS, NOW), 0.5);
      assert.equal(freshness(NOW - 60 * DAY_MS, NOW), 0.25);
    });
  });

  describe('when the item is dated in the future', () => {
    it('counts as brand new', () => {
      assert.equal(freshness(NOW + DAY_MS, NOW), 1);
    });
  });
});

describe('rerank', () => {
  describe('when popularity and freshness differ between candidates', () => {
    it('scores similarity + β·popularity + γ·freshness and sorts by it', () => {
      const trends = {
        trendOf: (id: string) => (id === 'hit' ? 15 : id === 'warm' ? 3 : 0),
        maxTrend: 15,
      };
      const ranked = rerank(
        [
          { itemId: 'old', relevance: 0.8, createdAt: NOW - 60 * DAY_MS },
          { itemId: 'warm', relevance: 0.78, createdAt: NOW - 30 * DAY_MS },
          { itemId: 'hit', relevance: 0.7, createdAt: NOW },
        ],
        trends,
        { popularityWeight: 0.1, freshnessWeight: 0.05 },
        NOW,
      );
      assert.deepEqual(
        ranked.map((r) => [r.itemId, Number(r.score.toFixed(6))]),
        [
          ['warm', 0.855], // 0.78 + 0.1·0.5 + 0.05·0.5
          ['hit', 0.85], // 0.7 + 0.1·1 + 0.05·1
          ['old', 0.8125], // 0.8 + 0 + 0.05·0.25
        ],
      );
      assert.equal(ranked[0]!.popularity, 0.5);
      assert.equal(ranked[0]!.freshness, 0.5);
    });
  });
});
