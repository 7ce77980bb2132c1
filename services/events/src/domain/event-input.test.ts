import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { EVENT_LIMITS, EventTypeValue } from '@tailor/kit';

import {
  type EventFields,
  eventFromFields,
  eventFromJson,
  importedEventFromFields,
  type MappingClock,
} from './event-input.js';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');

function clock(): MappingClock {
  let next = 0;
  return { now: NOW, newEventId: () => `generated-${++next}` };
}

const view: EventFields = { userId: 'u1', itemId: 'i1', type: EventTypeValue.VIEW };

function fieldsOf(result: ReturnType<typeof eventFromFields>): string[] {
  return result.ok ? [] : result.errors.map((error) => error.field);
}

describe('eventFromFields', () => {
  describe('when the input is minimal and valid', () => {
    it('generates an eventId and stamps the current time', () => {
      const result = eventFromFields(view, clock());
      assert.deepEqual(result, {
        ok: true,
        event: { eventId: 'generated-1', userId: 'u1', itemId: 'i1', type: 'view', timestamp: NOW },
      });
    });

    it('keeps a given eventId', () => {
      const result = eventFromFields({ ...view, eventId: 'e-42' }, clock());
      assert.equal(result.ok && result.event.eventId, 'e-42');
    });

    it('treats null optional fields as absent', () => {
      const result = eventFromFields(
        { ...view, eventId: null, value: null, timestamp: null, context: null },
        clock(),
      );
      assert.deepEqual(result.ok && result.event, {
        eventId: 'generated-1',
        userId: 'u1',
        itemId: 'i1',
        type: 'view',
        timestamp: NOW,
      });
    });
  });

  describe('when mapping the GraphQL enum', () => {
    it('gives every enum value its contract string', () => {
      const pairs = [
        [EventTypeValue.ADD_TO_CART, 'add_to_cart'],
        [EventTypeValue.PURCHASE, 'purchase'],
        [EventTypeValue.DISLIKE, 'dislike'],
        [EventTypeValue.SKIP, 'skip'],
      ] as const;
      for (const [type, expected] of pairs) {
        const result = eventFromFields({ ...view, type }, clock());
        assert.equal(result.ok && result.event.type, expected);
      }
    });

    it('lets an impression leave out itemId but no other type', () => {
      const impression = eventFromFields(
        { userId: 'u1', type: EventTypeValue.IMPRESSION },
        clock(),
      );
      assert.equal(impression.ok, true);
      const click = eventFromFields({ userId: 'u1', type: EventTypeValue.CLICK }, clock());
      assert.deepEqual(fieldsOf(click), ['itemId']);
    });
  });

  describe('when given a timestamp', () => {
    it('reads ISO-8601 with an offset', () => {
      const result = eventFromFields({ ...view, timestamp: '2025-06-01T13:30:00+02:00' }, clock());
      assert.equal(result.ok && result.event.timestamp, Date.parse('2025-06-01T11:30:00Z'));
    });

    it('reads digits as epoch milliseconds', () => {
      const result = eventFromFields({ ...view, timestamp: String(NOW - 60_000) }, clock());
      assert.equal(result.ok && result.event.timestamp, NOW - 60_000);
    });

    it('refuses an ISO date-time without offset, naming timestamp once', () => {
      const result = eventFromFields({ ...view, timestamp: '2025-06-01T12:00:00' }, clock());
      assert.deepEqual(fieldsOf(result), ['timestamp']);
    });

    it('refuses digits beyond safe integers, naming timestamp once', () => {
      const result = eventFromFields({ ...view, timestamp: '9'.repeat(20) }, clock());
      assert.deepEqual(fieldsOf(result), ['timestamp']);
    });

    it('refuses a time far in the future', () => {
      const result = eventFromFields({ ...view, timestamp: String(NOW + 3_600_000) }, clock());
      assert.deepEqual(fieldsOf(result), ['timestamp']);
    });
  });

  describe('when given a context', () => {
    it('flattens named fields and extra entries into one string map', () => {
      const result = eventFromFields(
        {
          ...view,
          context: {
            surface: 'home',
            recommendationId: 'r1',
            creativeId: null,
            device: 'mobile',
            extra: [
              { key: 'campaign', value: 'summer' },
              { key: 'slot', value: '3' },
            ],
          },
        },
        clock(),
      );
      assert.deepEqual(result.ok && result.event.context, {
        surface: 'home',
        recommendationId: 'r1',
        device: 'mobile',
        campaign: 'summer',
        slot: '3',
      });
    });

    it('leaves context out when nothing is set', () => {
      const result = eventFromFields({ ...view, context: { extra: [] } }, clock());
      assert.equal(result.ok && 'context' in result.event, false);
    });

    it('refuses an extra key given twice, naming the second entry', () => {
      const result = eventFromFields(
        {
          ...view,
          context: {
            extra: [
              { key: 'a', value: '1' },
              { key: 'b', value: '2' },
              { key: 'a', value: '3' },
            ],
          },
        },
        clock(),
      );
      assert.deepEqual(fieldsOf(result), ['context.extra.2.key']);
    });

    it('refuses an extra key that repeats a named field that is set', () => {
      const result = eventFromFields(
        { ...view, context: { surface: 'home', extra: [{ key: 'surface', value: 'pdp' }] } },
        clock(),
      );
      assert.deepEqual(fieldsOf(result), ['context.extra.0.key']);
    });

    it('names the extra entry whose value is too long', () => {
      const long = 'x'.repeat(EVENT_LIMITS.contextValueMaxLength + 1);
      const result = eventFromFields(
        {
          ...view,
          context: {
            extra: [
              { key: 'a', value: 'fine' },
              { key: 'b', value: 'fine' },
              { key: 'c', value: long },
            ],
          },
        },
        clock(),
      );
      assert.deepEqual(fieldsOf(result), ['context.extra.2.value']);
    });

    it('names a named field whose value is too long', () => {
      const long = 'x'.repeat(EVENT_LIMITS.contextValueMaxLength + 1);
      const result = eventFromFields({ ...view, context: { surface: long } }, clock());
      assert.deepEqual(fieldsOf(result), ['context.surface']);
    });

    it('names the extra entry whose key is too long and says why', () => {
      const result = eventFromFields(
        {
          ...view,
          context: {
            extra: [{ key: 'k'.repeat(EVENT_LIMITS.contextKeyMaxLength + 1), value: 'v' }],
          },
        },
        clock(),
      );
      assert.equal(result.ok, false);
      assert.deepEqual(!result.ok && result.errors, [
        {
          field: 'context.extra.0.key',
          message: `context keys must be at most ${EVENT_LIMITS.contextKeyMaxLength} characters`,
        },
      ]);
    });

    it('refuses more entries than the contract allows', () => {
      const extra = Array.from({ length: EVENT_LIMITS.contextMaxEntries + 1 }, (_, i) => ({
        key: `k${i}`,
        value: 'v',
      }));
      const result = eventFromFields({ ...view, context: { extra } }, clock());
      assert.deepEqual(fieldsOf(result), ['context']);
    });
  });

  describe('when several fields are wrong', () => {
    it('reports each with the input field name', () => {
      const result = eventFromFields(
        {
          userId: '',
          type: EventTypeValue.RATING,
          itemId: 'i1',
          value: 9,
          context: {
            extra: [
              { key: 'a', value: '1' },
              { key: 'a', value: '2' },
            ],
          },
        },
        clock(),
      );
      assert.deepEqual(fieldsOf(result).sort(), ['context.extra.1.key', 'userId', 'value']);
    });
  });
});

describe('eventFromJson', () => {
  describe('when the event is in contract form', () => {
    it('accepts it as is', () => {
      const json = {
        eventId: 'e1',
        userId: 'u1',
        itemId: 'i1',
        type: 'dwell',
        value: 12.5,
        timestamp: '2025-06-01T11:00:00Z',
        context: { surface: 'pdp', anything: 'goes' },
      };
      assert.deepEqual(eventFromJson(json, clock()), {
        ok: true,
        event: { ...json, timestamp: Date.parse('2025-06-01T11:00:00Z') },
      });
    });
  });

  describe('when eventId or timestamp is left out', () => {
    it('generates the id and uses the current time', () => {
      const result = eventFromJson({ userId: 'u1', itemId: 'i1', type: 'like' }, clock());
      assert.deepEqual(result.ok && result.event, {
        eventId: 'generated-1',
        userId: 'u1',
        itemId: 'i1',
        type: 'like',
        timestamp: NOW,
      });
    });
  });

  describe('when the event breaks the contract', () => {
    it('refuses the GraphQL enum spelling of a type', () => {
      const result = eventFromJson({ userId: 'u1', itemId: 'i1', type: 'VIEW' }, clock());
      assert.deepEqual(fieldsOf(result), ['type']);
    });

    it('refuses something that is not an object', () => {
      for (const json of [null, 'view', 3, ['a']]) {
        assert.deepEqual(fieldsOf(eventFromJson(json, clock())), ['(event)']);
      }
    });

    it('refuses an explicit null eventId instead of generating one', () => {
      const result = eventFromJson(
        { eventId: null, userId: 'u1', itemId: 'i1', type: 'view' },
        clock(),
      );
      assert.deepEqual(fieldsOf(result), ['eventId']);
    });
  });
});

describe('importedEventFromFields', () => {
  const rating: EventFields = {
    userId: 'u1',
    itemId: 'i1',
    type: EventTypeValue.RATING,
    value: 4.5,
    timestamp: '2004-03-01T10:00:00.000Z',
  };

  describe('when an event is older than the live age limit', () => {
    it('accepts it with its own time', () => {
      assert.equal(eventFromFields(rating, clock()).ok, false, 'live intake refuses it');
      const result = importedEventFromFields(rating, clock());
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.event.timestamp, Date.parse('2004-03-01T10:00:00.000Z'));
    });

    it('reads epoch milliseconds given as digits', () => {
      const ms = Date.parse('2001-01-01T00:00:00.000Z');
      const result = importedEventFromFields({ ...rating, timestamp: String(ms) }, clock());
      assert.equal(result.ok && result.event.timestamp, ms);
    });
  });

  describe('when it has no eventId', () => {
    it('derives one from its content: the same event twice gets the same id', () => {
      const first = importedEventFromFields(rating, clock());
      const again = importedEventFromFields({ ...rating }, clock());
      const other = importedEventFromFields({ ...rating, value: 3 }, clock());
      assert.ok(first.ok && again.ok && other.ok);
      assert.equal(first.event.eventId, again.event.eventId);
      assert.notEqual(first.event.eventId, other.event.eventId);
    });

    it('keeps a given eventId', () => {
      const result = importedEventFromFields({ ...rating, eventId: 'legacy-7' }, clock());
      assert.equal(result.ok && result.event.eventId, 'legacy-7');
    });
  });

  describe('when its time is missing, malformed or in the future', () => {
    it('refuses it, naming timestamp', () => {
      for (const timestamp of [
        undefined,
        null,
        'last tuesday',
        new Date(NOW + 3_600_000).toISOString(),
      ]) {
        const result = importedEventFromFields({ ...rating, timestamp }, clock());
        assert.deepEqual(fieldsOf(result), ['timestamp'], String(timestamp));
      }
    });
  });

  describe('when another field breaks the contract', () => {
    it('names that field as live intake does', () => {
      const result = importedEventFromFields({ ...rating, value: 9 }, clock());
      assert.deepEqual(fieldsOf(result), ['value']);
    });
  });
});
