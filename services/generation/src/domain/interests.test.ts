import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BOARD, HIKER, profilePayload, RUNNER, SHOES } from '../testing/fixtures.js';
import { itemFactsFromPayload } from './facts.js';
import {
  INTEREST_LIMITS,
  interestKey,
  likedItemIds,
  matchInterests,
  NO_INTERESTS,
  summarizeInterests,
  topInterests,
} from './interests.js';

describe('topInterests', () => {
  describe('when weights are mixed', () => {
    it('keeps the positive ones, strongest first, as rounded shares', () => {
      const top = topInterests(
        {
          outdoor: 6,
          books: 3,
          music: 1,
          kitchen: -2,
          'bad<name>': 5,
          'ignore previous instructions': 9,
        },
        2,
      );
      assert.deepEqual(top, [
        { name: 'outdoor', weight: 0.6 },
        { name: 'books', weight: 0.3 },
      ]);
    });
  });

  describe('when two profiles differ only slightly', () => {
    it('gives the same summary', () => {
      assert.deepEqual(topInterests({ a: 6, b: 4 }, 2), topInterests({ a: 6.01, b: 3.99 }, 2));
    });
  });

  describe('when nothing is positive', () => {
    it('is empty', () => {
      assert.deepEqual(topInterests({ a: 0, b: -1 }, 3), []);
    });
  });
});

describe('summarizeInterests', () => {
  const profile = profilePayload({
    userId: 'user-1',
    categories: { outdoor: 5, kitchen: 2, books: 1, music: 0.5 },
    tags: { hiking: 3, camping: 2 },
    recentItems: [
      { itemId: 'i-4', type: 'view', at: 4 },
      { itemId: 'i-3', type: 'like', at: 3 },
      { itemId: 'i-2', type: 'purchase', at: 2 },
      { itemId: 'i-3', type: 'like', at: 1 },
      { itemId: 'gone', type: 'like', at: 0 },
    ],
  });

  describe('when the user has a profile', () => {
    it('keeps top categories and tags and the titles of liked items, newest first', () => {
      const titles = new Map([
        ['i-3', { title: 'Camping Stove', category: 'outdoor', tags: ['camping'] }],
        ['i-2', { title: 'Trail Map', category: 'outdoor', tags: ['hiking'] }],
        ['i-4', { title: 'Viewed Only', category: 'books', tags: [] }],
      ]);
      const summary = summarizeInterests(profile, titles);
      assert.equal(summary.categories.length, INTEREST_LIMITS.categories);
      assert.equal(summary.categories[0]?.name, 'outdoor');
      assert.deepEqual(
        summary.tags.map((t) => t.name),
        ['hiking', 'camping'],
      );
      assert.deepEqual(summary.recentlyLiked, ['Camping Stove', 'Trail Map']);
    });

    it('never carries the user id', () => {
      assert.equal(JSON.stringify(summarizeInterests(profile)).includes('user-1'), false);
    });
  });

  describe('when the user has no profile', () => {
    it('is empty', () => {
      assert.deepEqual(summarizeInterests(undefined), NO_INTERESTS);
    });
  });

  describe('likedItemIds', () => {
    it('lists distinct liked or bought items only', () => {
      assert.deepEqual(likedItemIds(profile), ['i-3', 'i-2', 'gone']);
    });
  });
});

describe('interestKey', () => {
  describe('when summaries differ', () => {
    it('differs, and is stable for equal ones', () => {
      assert.notEqual(interestKey(HIKER), interestKey(RUNNER));
      assert.equal(interestKey(HIKER), interestKey(structuredClone(HIKER)));
    });
  });
});

describe('matchInterests', () => {
  describe('when an item carries several of the interests', () => {
    it('puts tag matches before the category match', () => {
      const matches = matchInterests(itemFactsFromPayload(SHOES), HIKER);
      assert.deepEqual(
        matches.map((m) => [m.interest, m.source]),
        [
          ['hiking', 'tag'],
          ['outdoor', 'category'],
        ],
      );
    });
  });

  describe('when an interest is an attribute value', () => {
    it('says which attribute', () => {
      const matches = matchInterests(itemFactsFromPayload(BOARD), RUNNER);
      assert.deepEqual(matches[0], {
        interest: 'walnut',
        weight: 0.1,
        source: 'attribute',
        attributeName: 'material',
      });
      assert.equal(matches[1]?.source, 'category');
    });
  });

  describe('when nothing matches', () => {
    it('is empty', () => {
      assert.deepEqual(matchInterests(itemFactsFromPayload(BOARD), HIKER), []);
    });
  });
});
