import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { EVENT_LIMITS } from '@tailor/kit';

import { eventsOfBody, validateBatch } from './batch.js';
import { eventFromJson } from './event-input.js';
import { intakeLimits } from './limits.js';

const clock = { now: Date.parse('2025-06-01T12:00:00Z'), newEventId: () => 'generated' };

describe('validateBatch', () => {
  describe('when some events are invalid', () => {
    it('keeps the valid ones in order and indexes the errors of the others', () => {
      const batch = validateBatch(
        [
          { eventId: 'a', userId: 'u1', itemId: 'i1', type: 'view' },
          { eventId: 'b', userId: 'u1', type: 'click' },
          { eventId: 'c', userId: 'u2', itemId: 'i2', type: 'rating', value: 7 },
          { eventId: 'd', userId: 'u2', itemId: 'i3', type: 'purchase' },
        ],
        (input) => eventFromJson(input, clock),
      );
      assert.deepEqual(
        batch.accepted.map((event) => event.eventId),
        ['a', 'd'],
      );
      assert.equal(batch.rejected, 2);
      assert.deepEqual(
        batch.errors.map(({ index, field }) => ({ index, field })),
        [
          { index: 1, field: 'itemId' },
          { index: 2, field: 'value' },
        ],
      );
    });
  });

  describe('when one eventId comes twice in a batch', () => {
    it('accepts and counts it once, as the profiles will apply it', () => {
      const batch = validateBatch(
        [
          { eventId: 'a', userId: 'u1', itemId: 'i1', type: 'view' },
          { eventId: 'a', userId: 'u1', itemId: 'i1', type: 'view' },
          { eventId: 'b', userId: 'u1', itemId: 'i1', type: 'like' },
        ],
        (input) => eventFromJson(input, clock),
      );
      assert.deepEqual(
        batch.accepted.map((event) => event.eventId),
        ['a', 'b'],
      );
      assert.equal(batch.duplicates, 1);
      assert.equal(batch.rejected, 0);
    });
  });

  describe('when the batch is empty', () => {
    it('accepts and rejects nothing', () => {
      assert.deepEqual(
        validateBatch([], (input) => eventFromJson(input, clock)),
        { accepted: [], errors: [], rejected: 0, duplicates: 0 },
      );
    });
  });
});

describe('eventsOfBody', () => {
  describe('when the body is a valid shape', () => {
    it('reads an array as the events', () => {
      assert.deepEqual(eventsOfBody([{ a: 1 }, { b: 2 }]), {
        ok: true,
        events: [{ a: 1 }, { b: 2 }],
      });
    });

    it('reads { events } as the events', () => {
      assert.deepEqual(eventsOfBody({ events: [{ a: 1 }] }), { ok: true, events: [{ a: 1 }] });
    });

    it('reads any other object as one event', () => {
      assert.deepEqual(eventsOfBody({ userId: 'u1' }), { ok: true, events: [{ userId: 'u1' }] });
    });
  });

  describe('when the body is not a valid shape', () => {
    it('refuses { events } that is not an array', () => {
      const result = eventsOfBody({ events: { userId: 'u1' } });
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.message : '', /"events" must be a JSON array/);
    });

    it('refuses scalars and null with a message', () => {
      for (const json of [null, 42, 'text', true]) {
        const result = eventsOfBody(json);
        assert.equal(result.ok, false);
        assert.match(!result.ok ? result.message : '', /JSON array of events/);
      }
    });
  });
});

describe('intakeLimits', () => {
  describe('when built from config', () => {
    it('joins the configured limits with the contract ones', () => {
      assert.deepEqual(intakeLimits({ EVENTS_MAX_BATCH_SIZE: 10, EVENTS_MAX_BODY_BYTES: 2048 }), {
        maxBatchSize: 10,
        maxBodyBytes: 2048,
        maxIdLength: EVENT_LIMITS.idMaxLength,
        maxContextEntries: EVENT_LIMITS.contextMaxEntries,
        maxContextValueLength: EVENT_LIMITS.contextValueMaxLength,
      });
    });
  });
});
