import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { seededRandom } from '../random.js';
import { EVENT_LIMITS, EVENT_TYPES, validateUserEvent, validateWithSchema } from './user-event.js';

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

describe('validateUserEvent and the schema alone', () => {
  // Every field drawn from values the fast path takes, values it leaves to the schema, and
  // values neither accepts: the two must give the same answer, errors included, for all.
  const ids = [
    'u-1',
    ' u-1',
    'u-1 ',
    '',
    'x'.repeat(128),
    'x'.repeat(129),
    'u\u0000',
    'é-1',
    'a b',
    '\ud800',
    7,
    null,
  ];
  const pools: Record<string, readonly unknown[]> = {
    eventId: ids,
    userId: ids,
    itemId: [undefined, ...ids],
    type: [...EVENT_TYPES, 'View', 'nope', 3],
    value: [undefined, 0, 3, 4.5, 5, 5.01, -1, 86_400, 86_401, Number.NaN, Infinity, '3'],
    timestamp: [
      '2025-06-01T11:59:00.000Z',
      '2025-06-01T11:59:00Z',
      '2025-06-01T11:59:00.123+02:00',
      '2024-02-29T00:00:00.000Z',
      '2025-02-29T00:00:00.000Z',
      '2025-04-31T00:00:00.000Z',
      '2025-13-01T00:00:00.000Z',
      '2025-06-01T24:00:00.000Z',
      '2025-06-01T11:60:00.000Z',
      '2025-06-01T11:59:60.000Z',
      '2025-06-01 11:59:00.000Z',
      '2025-06-01T11:59:00.000z',
      '0999-06-01T11:59:00.000Z',
      '2025-06-01T12:06:00.000Z',
      '2015-06-01T11:59:00.000Z',
      NOW - 1,
      NOW + 600_000,
      1.5,
      -1,
      2 ** 53,
      null,
    ],
    context: [
      undefined,
      { surface: 'home' },
      {},
      { '': '' },
      { surface: ' home ' },
      { surface: 'é' },
      { ['k'.repeat(65)]: 'v' },
      { k: 'v'.repeat(257) },
      Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])),
      { surface: 1 },
      ['home'],
      'home',
    ],
  };
  const random = seededRandom(14);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;

  it('agree on every mix of valid and invalid fields', () => {
    let accepted = 0;
    for (let i = 0; i < 20_000; i += 1) {
      const input: Record<string, unknown> = {};
      for (const [field, values] of Object.entries(pools)) {
        // Mostly valid fields, so that many events pass and each rule is met alone.
        const value = random() < 0.7 ? values[0] : pick(values);
        if (value !== undefined) input[field] = value;
      }
      if (random() < 0.05) input.extra = 1;
      if (input.type === 'rating' && random() < 0.5) input.value = 4;
      if (input.type === 'dwell' && random() < 0.5) input.value = 30;
      const fast = validateUserEvent(input, NOW);
      assert.deepEqual(fast, validateWithSchema(input, NOW), JSON.stringify(input));
      if (fast.ok) accepted += 1;
    }
    assert.ok(accepted > 1_000, `${accepted} of the mixes were valid`);
  });
});
