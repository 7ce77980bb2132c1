import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ItemKnn, MostPopular, trainingData } from './baselines.js';
import type { Rating, UserSplit } from './split.js';

const liked = (userId: string, ...itemIds: string[]): UserSplit => ({
  userId,
  history: itemIds.map((itemId, i): Rating => ({
    userId,
    itemId,
    rating: itemId.startsWith('-') ? 1 : 5,
    timestamp: i,
  })),
  test: [],
});

const ITEMS = ['a', 'b', 'c', 'd', 'e'];

describe('MostPopular', () => {
  describe('when users liked items unevenly', () => {
    const splits = [liked('1', 'a', 'b'), liked('2', 'b', 'c'), liked('3', 'b', 'c'), liked('4')];
    const model = new MostPopular(trainingData(splits, ITEMS, 4));

    it('ranks by how many users liked each item, ties in catalog order', () => {
      assert.deepEqual(model.rank(liked('4'), 5), ['b', 'c', 'a', 'd', 'e']);
    });

    it("skips the user's own history", () => {
      assert.deepEqual(model.rank(splits[1]!, 2), ['a', 'd']);
    });
  });
});

describe('ItemKnn', () => {
  describe('when items are liked together', () => {
    // a and b always go together; c goes with d; e is liked alone by someone else.
    const splits = [
      liked('1', 'a', 'b'),
      liked('2', 'a', 'b'),
      liked('3', 'c', 'd'),
      liked('4', 'e'),
      liked('5', 'a'),
    ];
    const model = new ItemKnn(trainingData(splits, ITEMS, 4));

    it('covers only items someone liked', () => {
      assert.equal(model.size, 5);
    });

    it('puts the co-liked item first for a user who liked one of a pair', () => {
      assert.deepEqual(model.rank(splits[4]!, 1), ['b']);
    });

    it('breaks zero-score ties by popularity, then catalog order', () => {
      assert.deepEqual(model.rank(splits[4]!, 4), ['b', 'c', 'd', 'e']);
    });
  });

  describe('when a history rating is negative', () => {
    it('excludes the item but does not count it as liked', () => {
      const splits = [liked('1', 'a', 'b'), liked('2', '-x', 'c')];
      const model = new ItemKnn(trainingData(splits, [...ITEMS, '-x'], 4));
      const ranked = model.rank(splits[1]!, 6);
      assert.equal(model.size, 3);
      assert.ok(!ranked.includes('-x'));
      assert.ok(!ranked.includes('c'));
    });
  });
});
