import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { EVENT_LIMITS, validateUserEvent } from './user-event.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');

const valid = {
  eventId: 'e-1',
  userId: 'u-1',
  itemId: 'sku-1',
  type: 'view',
  timestamp: '2025-06-01T11:59:00Z',
  context: { surface: 'home' },
};

function fieldsOf(input: unknown): string[] {
  const result = validateUserEvent(input, NOW);
  assert.equal(result.ok, false, 'the event is refused');
  return result.ok ? [] : result.errors.map((e) => e.field);
}

describe('validateUserEvent', () => {
  describe('when the event is valid', () => {
    it('returns it with the timestamp as epoch milliseconds', () => {
      const result = validateUserEvent(valid, NOW);
      assert.deepEqual(result, {
        ok: true,
        event: {
          eventId: 'e-1',
          userId: 'u-1',
          itemId: 'sku-1',
          type: 'view',
          timestamp: Date.parse('2025-06-01T11:59:00Z'),
          context: { surface: 'home' },
        },
      });
    });

    it('accepts an impression without itemId and epoch-ms timestamps', () => {
      const result = validateUserEvent(
        { eventId: 'e-2', userId: 'u-1', type: 'impression', timestamp: NOW - 1000 },
        NOW,
      );
      assert.equal(result.ok, true);
    });
  });

  describe('when the event breaks the contract', () => {
    it('names itemId when it is missing', () => {
      const { itemId: _itemId, ...rest } = valid;
      assert.deepEqual(fieldsOf(rest), ['itemId']);
    });

    it('names value when a rating is out of range', () => {
      assert.deepEqual(fieldsOf({ ...valid, type: 'rating', value: EVENT_LIMITS.ratingMax + 1 }), [
        'value',
      ]);
      assert.deepEqual(fieldsOf({ ...valid, type: 'rating' }), ['value']);
    });

    it('names timestamp when it is far in the future', () => {
      const future = new Date(NOW + EVENT_LIMITS.maxFutureSkewMs + 60_000).toISOString();
      assert.deepEqual(fieldsOf({ ...valid, timestamp: future }), ['timestamp']);
      assert.deepEqual(fieldsOf({ ...valid, timestamp: 'yesterday' }), ['timestamp']);
    });

    it('refuses an unknown extra field, naming it', () => {
      const result = validateUserEvent({ ...valid, price: 10 }, NOW);
      assert.equal(result.ok, false);
      assert.ok(!result.ok && result.errors.some((e) => e.message.includes('price')));
    });
  });

  describe('when an id would not round-trip through a Kafka key or a log line', () => {
    for (const [what, userId] of [
      ['a lone high surrogate', 'user-\ud800'],
      ['a lone low surrogate', '\udc00user'],
      ['NUL', 'user\u0000x'],
      ['a control character', 'user\u0007'],
      ['a bidi override', 'user\u202egnp.exe'],
      ['a bidi isolate', '\u2066user'],
    ] as const) {
      it(`refuses ${what}, naming the field`, () => {
        assert.deepEqual(fieldsOf({ ...valid, userId }), ['userId']);
        assert.deepEqual(fieldsOf({ ...valid, itemId: userId }), ['itemId']);
        assert.deepEqual(fieldsOf({ ...valid, eventId: userId }), ['eventId']);
      });
    }

    it('accepts ids outside the Basic Multilingual Plane (surrogate pairs)', () => {
      const result = validateUserEvent({ ...valid, userId: 'user-\u{1f600}-é' }, NOW);
      assert.equal(result.ok, true);
    });
  });

  describe('when a context key is __proto__', () => {
    it('refuses it instead of dropping it', () => {
      const input = JSON.parse(
        '{"eventId":"e-1","userId":"u-1","itemId":"sku-1","type":"view","timestamp":"2025-06-01T11:59:00Z","context":{"__proto__":"x"}}',
      ) as unknown;
      const result = validateUserEvent(input, NOW);
      assert.equal(result.ok, false);
      assert.ok(!result.ok && result.errors.some((e) => e.message.includes('__proto__')));
    });
  });
});
