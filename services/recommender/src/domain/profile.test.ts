import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  CF_VECTOR,
  PROFILE_LONG_VECTOR,
  PROFILE_SHORT_VECTOR,
  type ProfilePayload,
} from '@tailor/kit';

import { readProfile, topKeys } from './profile.js';

function payload(overrides: Partial<ProfilePayload> = {}): ProfilePayload {
  return {
    userId: 'u1',
    eventCount: 3,
    positiveEventCount: 3,
    impressionCount: 0,
    countsByType: { view: 3 },
    updatedAt: Date.UTC(2025, 5, 1),
    categories: { outdoor: 2 },
    tags: { running: 2.5, waterproof: 1, stale: -1 },
    recentItems: [
      { itemId: 'i2', type: 'like', at: 2 },
      { itemId: 'i1', type: 'view', at: 1 },
    ],
    seenItemIds: ['i1', 'i2'],
    recentEventIds: [],
    offsets: {},
    ...overrides,
  };
}

const point = (p: ProfilePayload, long: number[], short: number[]) => ({
  id: p.userId,
  payload: { ...p },
  vectors: {
    [PROFILE_LONG_VECTOR]: Float32Array.from(long),
    [PROFILE_SHORT_VECTOR]: Float32Array.from(short),
  },
});

describe('readProfile', () => {
  describe('when the profile has events and a direction', () => {
    it('blends the query vector and reads seen items, recent interactions and top tags', () => {
      const view = readProfile(point(payload(), [3, 0], [0, 0]), 0.35);
      assert.equal(view.coldStart, false);
      assert.deepEqual([...view.queryVector!], [1, 0]);
      assert.deepEqual(view.seenItemIds, ['i1', 'i2']);
      assert.deepEqual(
        view.recent.map((r) => r.itemId),
        ['i2', 'i1'],
      );
      assert.deepEqual(view.topTags, ['running', 'waterproof']);
    });
  });

  describe('when there is no profile, no event, or no direction', () => {
    it('is cold start', () => {
      assert.equal(readProfile(undefined, 0.35).coldStart, true);
      assert.equal(
        readProfile(point(payload({ eventCount: 0, positiveEventCount: 0 }), [1, 0], [1, 0]), 0.35)
          .coldStart,
        true,
      );
      const flat = readProfile(point(payload(), [0, 0], [0, 0]), 0.35);
      assert.equal(flat.coldStart, true);
      assert.equal(flat.queryVector, null);
      assert.deepEqual(flat.seenItemIds, ['i1', 'i2']);
    });
  });

  describe('when every event so far was negative (dislikes, skips, low ratings)', () => {
    it('is cold start, and still excludes the items the user pushed away', () => {
      const disliked = payload({
        eventCount: 2,
        positiveEventCount: 0,
        countsByType: { dislike: 2 },
        seenItemIds: ['i1', 'i2'],
      });
      const view = readProfile(point(disliked, [-2, 0], [-1, 0]), 0.35);
      assert.equal(view.coldStart, true);
      assert.equal(view.queryVector, null);
      assert.deepEqual(view.seenItemIds, ['i1', 'i2']);
    });
  });

  describe('when the profile has a folded-in cf vector', () => {
    const withCf = (p: ProfilePayload, cf: number[]) => {
      const stored = point(p, [3, 0], [0, 0]);
      return { ...stored, vectors: { ...stored.vectors, [CF_VECTOR]: Float32Array.from(cf) } };
    };

    it('reads it with the model version it was folded in against', () => {
      const view = readProfile(withCf(payload({ cfModelVersion: 'm-7' }), [0.5, -1]), 0.35);
      assert.deepEqual([...view.collaborative!.vector], [0.5, -1]);
      assert.equal(view.collaborative!.modelVersion, 'm-7');
    });

    it('ignores it without a version, when all zero, or when nothing was liked', () => {
      assert.equal(readProfile(withCf(payload(), [0.5, -1]), 0.35).collaborative, null);
      const zero = withCf(payload({ cfModelVersion: 'm-7' }), [0, 0]);
      assert.equal(readProfile(zero, 0.35).collaborative, null);
      const negative = withCf(payload({ cfModelVersion: 'm-7', positiveEventCount: 0 }), [1, 1]);
      assert.equal(readProfile(negative, 0.35).collaborative, null);
    });

    it('is not cold start even without a content direction', () => {
      const stored = withCf(payload({ cfModelVersion: 'm-7' }), [1, 0]);
      const flat = {
        ...stored,
        vectors: {
          ...stored.vectors,
          [PROFILE_LONG_VECTOR]: Float32Array.from([0, 0]),
        },
      };
      const view = readProfile(flat, 0.35);
      assert.equal(view.coldStart, false);
      assert.equal(view.queryVector, null);
      assert.notEqual(view.collaborative, null);
    });
  });

  describe('when fields are missing from the stored payload', () => {
    it('reads them as empty', () => {
      const view = readProfile({ id: 'u', payload: { userId: 'u' } }, 0.35);
      assert.deepEqual(view, {
        coldStart: true,
        queryVector: null,
        collaborative: null,
        seenItemIds: [],
        recent: [],
        topTags: [],
        offsets: {},
        foldedFor: undefined,
      });
    });
  });
});

describe('topKeys', () => {
  describe('when weights tie or are not positive', () => {
    it('orders by weight then name and drops the non-positive', () => {
      assert.deepEqual(topKeys({ b: 1, a: 1, c: 2, d: 0, e: -3 }, 10), ['c', 'a', 'b']);
      assert.deepEqual(topKeys({ b: 1, a: 1, c: 2 }, 2), ['c', 'a']);
    });
  });
});
