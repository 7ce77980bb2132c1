import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { Payload } from './ports/vector-store.js';
import { readProfilePayload, type StoredProfilePayload } from './stored-profile.js';

const stored: StoredProfilePayload = {
  userId: 'ann',
  eventCount: 3,
  positiveEventCount: 2,
  impressionCount: 1,
  countsByType: { like: 1, rating: 1, dislike: 1 },
  updatedAt: 5_000,
  categories: { garden: 1.5 },
  tags: { green: 0.8, tools: 0.2 },
  recentItems: [
    { itemId: 'b', type: 'rating', at: 5_000, value: 4 },
    { itemId: 'a', type: 'like', at: 4_000 },
  ],
  affinities: [{ itemId: 'a', weight: 1, at: 4_000 }],
  seenItemIds: ['b', 'a'],
  recentEventIds: ['e2', 'e1'],
  offsets: { '0': '41' },
  cfModelVersion: 'm-3',
};

const empty = {
  eventCount: 0,
  positiveEventCount: 0,
  impressionCount: 0,
  countsByType: {},
  updatedAt: 0,
  categories: {},
  tags: {},
  recentItems: [],
  affinities: [],
  seenItemIds: [],
  recentEventIds: [],
  offsets: {},
};

describe('readProfilePayload', () => {
  describe('when the payload is as the profiles service writes it', () => {
    it('reads it unchanged', () => {
      const copy = structuredClone(stored) as unknown as Payload;
      assert.deepEqual(readProfilePayload(copy, 'other-id'), stored);
    });

    it('takes its valid lists and maps as they are instead of copying them', () => {
      const payload = structuredClone(stored);
      const read = readProfilePayload(payload as unknown as Payload);
      assert.equal(read.seenItemIds, payload.seenItemIds);
      assert.equal(read.recentEventIds, payload.recentEventIds);
      assert.equal(read.tags, payload.tags);
      assert.equal(read.categories, payload.categories);
      assert.equal(read.countsByType, payload.countsByType);
    });

    it('leaves the writer revision out', () => {
      assert.equal('revision' in readProfilePayload({ ...stored, revision: 'w.7' }), false);
    });
  });

  describe('when only some keys were asked for', () => {
    it('gives the others neutral values and the point id as the user id', () => {
      const read = readProfilePayload({ tags: { green: 1 }, positiveEventCount: 2 }, 'ann');
      assert.deepEqual(read, {
        ...empty,
        userId: 'ann',
        tags: { green: 1 },
        positiveEventCount: 2,
      });
    });
  });

  describe('when fields are damaged', () => {
    it('keeps what is valid in each and reads the rest as neutral', () => {
      const read = readProfilePayload(
        {
          userId: 7,
          eventCount: -3,
          positiveEventCount: 1.5,
          impressionCount: 'many',
          countsByType: { view: 2, teleport: 5, like: 1.5 },
          updatedAt: Number.NaN,
          categories: { garden: 2, broken: 'x', negative: -1 },
          tags: null,
          recentItems: [
            { itemId: 'a', type: 'view', at: 1_000, value: 'x' },
            { itemId: 'b', type: 'fly', at: 1_000 },
            { itemId: 'c', type: 'like' },
            'junk',
          ],
          affinities: [{ itemId: 'a', weight: 1, at: 1 }, { itemId: 'b', weight: 'x', at: 1 }, 3],
          seenItemIds: ['a', 4],
          recentEventIds: 'e1',
          offsets: { '0': '12', '1': 13, x: '1', '2': '-1' },
          cfModelVersion: 3,
        },
        'u7',
      );
      assert.deepEqual(read, {
        ...empty,
        userId: 'u7',
        countsByType: { view: 2 },
        categories: { garden: 2 },
        recentItems: [{ itemId: 'a', type: 'view', at: 1_000 }],
        affinities: [{ itemId: 'a', weight: 1, at: 1 }],
        seenItemIds: ['a'],
        offsets: { '0': '12' },
      });
    });
  });
});
