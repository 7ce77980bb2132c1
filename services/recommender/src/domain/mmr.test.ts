import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { mmrSelect } from './mmr.js';

// A and B are the same direction (near-duplicates); C points elsewhere.
const A = { id: 'A', score: 1.0, vector: [1, 0] };
const B = { id: 'B', score: 0.9, vector: [2, 0] };
const C = { id: 'C', score: 0.5, vector: [0, 1] };
const ids = (picked: { id: string }[]) => picked.map((p) => p.id);

describe('mmrSelect', () => {
  describe('when λ is 1', () => {
    it('keeps pure score order', () => {
      assert.deepEqual(ids(mmrSelect([A, B, C], 3, 1)), ['A', 'B', 'C']);
    });
  });

  describe('when λ is 0.7', () => {
    it('swaps the dissimilar item in ahead of the near-duplicate', () => {
      // Second pick: B = 0.7·0.9 − 0.3·1 = 0.33, C = 0.7·0.5 − 0.3·0 = 0.35.
      assert.deepEqual(ids(mmrSelect([A, B, C], 3, 0.7)), ['A', 'C', 'B']);
    });
  });

  describe('when λ is 0.8', () => {
    it('keeps the near-duplicate, whose score still outweighs the redundancy', () => {
      // Second pick: B = 0.8·0.9 − 0.2·1 = 0.52, C = 0.8·0.5 = 0.40.
      assert.deepEqual(ids(mmrSelect([A, B, C], 3, 0.8)), ['A', 'B', 'C']);
    });
  });

  describe('when fewer picks are asked than candidates exist', () => {
    it('stops at k, and returns all when k is larger', () => {
      assert.deepEqual(ids(mmrSelect([A, B, C], 2, 0.7)), ['A', 'C']);
      assert.deepEqual(ids(mmrSelect([A, B, C], 10, 1)), ['A', 'B', 'C']);
      assert.deepEqual(mmrSelect([], 3, 0.7), []);
    });
  });

  describe('when scores tie', () => {
    it('takes the earlier candidate', () => {
      const X = { id: 'X', score: 0.5, vector: [1, 0] };
      const Y = { id: 'Y', score: 0.5, vector: [0, 1] };
      assert.deepEqual(ids(mmrSelect([X, Y], 2, 0.7)), ['X', 'Y']);
      assert.deepEqual(ids(mmrSelect([Y, X], 2, 0.7)), ['Y', 'X']);
    });
  });
});
