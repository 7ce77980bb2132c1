import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ITEM_VECTOR, PROFILE_LONG_VECTOR, PROFILE_SHORT_VECTOR } from '@tailor/kit';

import { DIMENSION, ev, SETTINGS, T0 } from '../testing/fixtures.js';
import { applyEvents, emptyProfile } from './profile.js';
import { itemFactsFromPoint, profileFromPoint, profileToPoint } from './stored.js';

describe('profileToPoint and profileFromPoint', () => {
  describe('when a profile makes the round trip', () => {
    it('comes back the same (vectors as 32-bit floats)', () => {
      const profile = applyEvents(
        undefined,
        [
          ev({ type: 'like', item: 'a', at: T0, partition: 3, offset: 7 }),
          ev({ type: 'rating', item: 'b', value: 5, at: T0 + 1, partition: 3, offset: 8 }),
          ev({ type: 'impression', at: T0 + 2, partition: 3, offset: 9 }),
        ],
        SETTINGS,
      ).profile;
      const point = profileToPoint(profile);
      assert.equal(point.id, 'u1');
      const stored = JSON.parse(JSON.stringify(point.payload)) as Record<string, unknown>;
      const back = profileFromPoint(
        {
          id: point.id,
          payload: stored,
          vectors: {
            [PROFILE_LONG_VECTOR]: point.vectors[PROFILE_LONG_VECTOR] as Float32Array,
            [PROFILE_SHORT_VECTOR]: point.vectors[PROFILE_SHORT_VECTOR] as Float32Array,
          },
        },
        DIMENSION,
      );
      assert.deepEqual(back.payload, profile.payload);
      assert.deepEqual(Array.from(back.long), Array.from(Float32Array.from(profile.long)));
    });
  });

  describe('when the stored payload is damaged or old', () => {
    it('keeps what is valid and reads the rest as empty', () => {
      const back = profileFromPoint(
        {
          id: 'u7',
          payload: {
            eventCount: -3,
            impressionCount: 'many',
            countsByType: { view: 2, teleport: 5, like: 1.5 },
            updatedAt: 'yesterday',
            categories: { garden: 2, broken: 'x', negative: -1 },
            tags: null,
            recentItems: [
              { itemId: 'a', type: 'view', at: T0 },
              { itemId: 'b', type: 'fly', at: T0 },
              'junk',
            ],
            seenItemIds: ['a', 4],
            recentEventIds: 'e1',
            offsets: { '0': '12', '1': 13, x: '1', '2': '-1' },
          },
          vectors: { [PROFILE_LONG_VECTOR]: new Float32Array(DIMENSION + 2) },
        },
        DIMENSION,
      );
      assert.deepEqual(back.payload, {
        ...emptyProfile('u7', DIMENSION).payload,
        countsByType: { view: 2 },
        categories: { garden: 2 },
        recentItems: [{ itemId: 'a', type: 'view', at: T0 }],
        seenItemIds: ['a'],
        offsets: { '0': '12' },
      });
      assert.equal(back.long.length, DIMENSION);
      assert.equal(back.short.length, DIMENSION);
    });
  });
});

describe('itemFactsFromPoint', () => {
  describe('when the item has a vector of the profile dimension', () => {
    it('reads category, tags and vector', () => {
      const vector = new Float32Array([0, 1, 0, 0]);
      const facts = itemFactsFromPoint(
        {
          id: 'i1',
          payload: { category: 'garden', tags: ['green', 1] },
          vectors: { [ITEM_VECTOR]: vector },
        },
        DIMENSION,
      );
      assert.deepEqual(facts, { category: 'garden', tags: ['green'], vector });
    });
  });

  describe('when the vector is missing or of another size', () => {
    it('leaves the vector out', () => {
      const other = itemFactsFromPoint(
        {
          id: 'i1',
          payload: { category: 'garden', tags: [] },
          vectors: { [ITEM_VECTOR]: new Float32Array(8) },
        },
        DIMENSION,
      );
      assert.deepEqual(other, { category: 'garden', tags: [] });
      assert.deepEqual(itemFactsFromPoint({ id: 'i2', payload: {} }, DIMENSION), {
        category: '',
        tags: [],
      });
    });
  });
});
