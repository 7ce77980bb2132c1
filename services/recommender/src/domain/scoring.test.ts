import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { freshness, popularity } from './scoring.js';

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
