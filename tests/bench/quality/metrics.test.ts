import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { hitRate, ndcg, QualityAccumulator, recall, reciprocalRank } from './metrics.js';

const relevant = new Set(['a', 'b']);
const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} is not ${expected}`);

describe('hitRate', () => {
  describe('when a relevant item is inside the cutoff', () => {
    it('is 1', () => assert.equal(hitRate(['x', 'y', 'b'], relevant, 3), 1));
  });
  describe('when the only relevant item is past the cutoff', () => {
    it('is 0', () => assert.equal(hitRate(['x', 'y', 'b'], relevant, 2), 0));
  });
});

describe('recall', () => {
  describe('when one of two relevant items is inside the cutoff', () => {
    it('is one half', () => assert.equal(recall(['a', 'x', 'b'], relevant, 2), 0.5));
  });
  describe('when nothing is relevant', () => {
    it('is 0 rather than NaN', () => assert.equal(recall(['a'], new Set(), 5), 0));
  });
});

describe('ndcg', () => {
  describe('when the relevant items lead the list', () => {
    it('is 1', () => close(ndcg(['b', 'a', 'x'], relevant, 10), 1));
  });
  describe('when the one relevant item found is second', () => {
    it('discounts it by log2(3) against an ideal list of two', () => {
      close(ndcg(['x', 'a'], relevant, 10), 1 / Math.log2(3) / (1 + 1 / Math.log2(3)));
    });
  });
  describe('when there are more relevant items than the cutoff', () => {
    it('caps the ideal list at the cutoff', () => {
      close(ndcg(['a'], new Set(['a', 'b', 'c']), 1), 1);
    });
  });
});

describe('reciprocalRank', () => {
  describe('when the first relevant item is third', () => {
    it('is one third', () => close(reciprocalRank(['x', 'y', 'a', 'b'], relevant), 1 / 3));
  });
  describe('when no relevant item is listed', () => {
    it('is 0', () => assert.equal(reciprocalRank(['x'], relevant), 0));
  });
});

describe('QualityAccumulator', () => {
  describe('when two users are added', () => {
    const acc = new QualityAccumulator(10);
    acc.add({ top10: ['a', 'x'], top20: ['a', 'x', 'b'], top50: ['a'] }, relevant);
    acc.add({ top10: ['y', 'z'], top20: ['y', 'z'], top50: ['y', 'z', 'c'] }, new Set(['c']));
    const figures = acc.result();

    it('averages every metric over the users', () => {
      assert.equal(figures.users, 2);
      assert.equal(figures['HR@10'], 0.5);
      assert.equal(figures['Recall@20'], 0.5);
      close(figures['MRR@50'], (1 + 1 / 3) / 2);
    });

    it('counts each distinct top-10 item once against the catalog size', () => {
      assert.equal(figures['coverage@10'], 4 / 10);
    });
  });
});
