import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { validateUserEvent } from '@tailor/kit';

import { syntheticEvents } from './events.js';

const OPTIONS = {
  count: 2_000,
  users: 50,
  itemIds: ['a', 'b', 'c', 'd'],
  seed: 7,
  endAt: Date.UTC(2026, 10, 27),
  spacingMs: 10,
};

describe('syntheticEvents', () => {
  describe('when asked twice with the same seed', () => {
    it('gives the same events', () => {
      assert.deepEqual(syntheticEvents(OPTIONS), syntheticEvents(OPTIONS));
    });
  });

  describe('when checked against the contract at the time of the last event', () => {
    it('gives only valid events with distinct ids, oldest first', () => {
      const events = syntheticEvents(OPTIONS);
      for (const event of events) {
        const result = validateUserEvent(event, OPTIONS.endAt);
        assert.ok(result.ok, JSON.stringify(result));
      }
      assert.equal(new Set(events.map((e) => e.eventId)).size, events.length);
      assert.equal(events.at(-1)?.timestamp, OPTIONS.endAt);
      assert.ok(events.every((e, i) => i === 0 || e.timestamp > events[i - 1]!.timestamp));
    });

    it('spreads events over the users and items given', () => {
      const events = syntheticEvents(OPTIONS);
      assert.equal(new Set(events.map((e) => e.userId)).size, OPTIONS.users);
      assert.deepEqual([...new Set(events.map((e) => e.itemId))].sort(), OPTIONS.itemIds);
    });
  });
});
