import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { cosine, VARIANT_CHOICE_SOURCE } from '@tailor/kit';

import {
  axis,
  close,
  DIMENSION,
  ev,
  type EventSpec,
  item,
  LONG_HALF_LIFE_MS,
  redelivered,
  SETTINGS,
  SHORT_HALF_LIFE_MS,
  T0,
} from '../testing/fixtures.js';
import { MS_PER_HOUR, MS_PER_MINUTE } from './decay.js';
import {
  applyEvents,
  applyEventsInPlace,
  emptyProfile,
  forgetProfile,
  holdsPersonalData,
  type ItemFacts,
  type Profile,
  PROFILE_LIMITS,
  type ProfileEvent,
} from './profile.js';

const DAY = 24 * MS_PER_HOUR;

function apply(events: ProfileEvent[], current?: Profile): Profile {
  return applyEvents(current, events, SETTINGS).profile;
}

function vec(v: Float64Array): number[] {
  return Array.from(v);
}

/** An event about an item outside the fixture set, with the facts given. */
function about(spec: EventSpec & { item: string }, facts: ItemFacts): ProfileEvent {
  return { ...ev(spec), item: facts };
}

function assertVectorsClose(actual: Float64Array, expected: Float64Array): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i += 1) {
    assert.ok(close(actual[i]!, expected[i]!), `component ${i}: ${actual[i]} ≠ ${expected[i]}`);
  }
}

function assertWeightsClose(
  actual: Record<string, number>,
  expected: Record<string, number>,
): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
  for (const [name, weight] of Object.entries(expected)) {
    assert.ok(close(actual[name]!, weight), `${name}: ${actual[name]} ≠ ${weight}`);
  }
}

/**
 * The events in a deterministic shuffle (a fixed LCG, so a failure can be replayed), each at
 * its new place in the log: arrival order changes, log offsets still count up.
 */
function shuffled(values: readonly ProfileEvent[], seed: number): ProfileEvent[] {
  const out = [...values];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out.map((e, i) => redelivered(e, 5_000_000 + i));
}

describe('applyEvents', () => {
  describe('when events arrive in time order', () => {
    it('decays the long-term sum by 2^(−Δt/30 days) before adding', () => {
      const profile = apply([
        ev({ type: 'view', item: 'a', at: T0 }),
        ev({ type: 'like', item: 'b', at: T0 + 30 * DAY }),
      ]);
      assert.deepEqual(vec(profile.long), [0.5, 4, 0, 0]);
      assert.equal(profile.payload.updatedAt, T0 + 30 * DAY);
    });

    it('decays the session sum by 2^(−Δt/30 minutes)', () => {
      const profile = apply([
        ev({ type: 'view', item: 'a', at: T0 }),
        ev({ type: 'click', item: 'b', at: T0 + 30 * MS_PER_MINUTE }),
      ]);
      assert.deepEqual(vec(profile.short), [0.5, 1.5, 0, 0]);
      assert.deepEqual(vec(profile.long), [2 ** (-1 / 1440), 1.5, 0, 0]);
    });

    it('lets a month-old session fade to nothing', () => {
      const profile = apply([
        ev({ type: 'view', item: 'a', at: T0 }),
        ev({ type: 'like', item: 'b', at: T0 + 30 * DAY }),
      ]);
      assert.deepEqual(vec(profile.short), [0, 4, 0, 0]);
    });

    it('decays interests with the long half-life and the same weights', () => {
      const profile = apply([
        ev({ type: 'view', item: 'a', at: T0 }),
        ev({ type: 'like', item: 'b', at: T0 + 30 * DAY }),
        ev({ type: 'purchase', item: 'd', at: T0 + 60 * DAY }),
      ]);
      // a: 1 × ¼, b: 4 × ½, d: 5 × 1.
      assert.deepEqual(profile.payload.categories, { garden: 0.25 + 5, kitchen: 2 });
      assert.deepEqual(profile.payload.tags, {
        green: 0.25,
        outdoor: 0.25 + 5,
        steel: 2,
        tools: 5,
      });
    });

    it('grows a tag by the weight times its specificity, so catalog-wide tags weigh little', () => {
      const facts: ItemFacts = {
        ...item('garden', ['outdoor', 'tools'], axis(3)),
        tagSpecificity: new Map([['outdoor', 0.2]]),
      };
      const profile = apply([about({ type: 'purchase', item: 'd', at: T0 }, facts)]);
      // A purchase weighs 5; "tools" has no specificity given and counts fully.
      assert.deepEqual(profile.payload.tags, { outdoor: 1, tools: 5 });
      assert.deepEqual(profile.payload.categories, { garden: 5 });
    });

    it('normalizes item vectors, so only the weight sets the pull', () => {
      const long = item('garden', [], [3, 0, 0, 4]);
      const profile = apply([about({ type: 'view', item: 'x' }, long)]);
      assert.deepEqual(vec(profile.long), [0.6, 0, 0, 0.8]);
    });
  });

  describe('when an event is older than the profile', () => {
    it('adds it with its own decay factor 2^(−(updatedAt − t)/halfLife)', () => {
      const profile = apply([
        ev({ type: 'like', item: 'b', at: T0 + 30 * DAY }),
        ev({ type: 'view', item: 'a', at: T0 }),
      ]);
      assert.deepEqual(vec(profile.long), [0.5, 4, 0, 0]);
      assert.deepEqual(vec(profile.short), [0, 4, 0, 0]);
      assert.deepEqual(profile.payload.categories, { garden: 0.5, kitchen: 4 });
      assert.equal(profile.payload.updatedAt, T0 + 30 * DAY);
    });

    it('keeps the newest time as lastEventAt', () => {
      const first = apply([ev({ type: 'view', item: 'a', at: T0 + DAY })]);
      const second = apply([ev({ type: 'view', item: 'b', at: T0 })], first);
      assert.equal(second.payload.updatedAt, T0 + DAY);
    });
  });

  describe('when the same events arrive in any order or batching', () => {
    const types = [
      'view',
      'click',
      'like',
      'purchase',
      'dislike',
      'skip',
      'share',
      'add_to_cart',
    ] as const;
    const names = ['a', 'b', 'c', 'd'] as const;
    const specs: EventSpec[] = Array.from({ length: 40 }, (_, i) => ({
      type: types[(i * 7) % types.length]!,
      item: names[(i * 5) % names.length]!,
      // Distinct times spread over ~80 days, not in index order.
      at: T0 + ((i * 7_919) % 40) * 2 * DAY + i * 13 * MS_PER_MINUTE,
      eventId: `order-${i}`,
    }));
    const events = specs.map((spec) => ev(spec));
    const inOrder = apply(events);

    it('gives the same vectors', () => {
      for (const seed of [1, 2, 3]) {
        const other = apply(shuffled(events, seed));
        assertVectorsClose(other.long, inOrder.long);
        assertVectorsClose(other.short, inOrder.short);
      }
    });

    it('gives the same counts, reference time and recent items', () => {
      const other = apply(shuffled(events, 7));
      assert.equal(other.payload.eventCount, inOrder.payload.eventCount);
      assert.deepEqual(other.payload.countsByType, inOrder.payload.countsByType);
      assert.equal(other.payload.updatedAt, inOrder.payload.updatedAt);
      assert.deepEqual(other.payload.recentItems, inOrder.payload.recentItems);
    });

    it('gives the same interests when every weight is positive', () => {
      const positive = specs
        .filter((s) => s.type !== 'dislike' && s.type !== 'skip')
        .map((s) => ev({ ...s, eventId: `positive-${s.eventId}` }));
      const a = apply(positive);
      const b = apply(shuffled(positive, 11));
      assertWeightsClose(b.payload.categories, a.payload.categories);
      assertWeightsClose(b.payload.tags, a.payload.tags);
    });

    it('gives the same result split over several batches', () => {
      let split: Profile | undefined;
      for (let i = 0; i < events.length; i += 7) split = apply(events.slice(i, i + 7), split);
      assertVectorsClose(split!.long, inOrder.long);
      assertVectorsClose(split!.short, inOrder.short);
      assertWeightsClose(split!.payload.categories, inOrder.payload.categories);
      assert.equal(split!.payload.eventCount, events.length);
    });
  });

  describe('when a weight is negative', () => {
    it('lowers the cosine between the profile and a disliked item', () => {
      const liked = apply([ev({ type: 'like', item: 'a' }), ev({ type: 'like', item: 'b' })]);
      const disliked = apply([ev({ type: 'dislike', item: 'b' })], liked);
      const b = axis(1);
      assert.ok(cosine(disliked.long, b) < cosine(liked.long, b));
      assert.ok(cosine(disliked.short, b) < cosine(liked.short, b));
    });

    it('points a dislike-only profile away from the item', () => {
      const profile = apply([ev({ type: 'dislike', item: 'c' })]);
      assert.deepEqual(vec(profile.long), [0, 0, -4, 0]);
      assert.equal(cosine(profile.long, axis(2)), -1);
    });

    it('lets a 1★ rating push away and a skip push away weakly', () => {
      const profile = apply([
        ev({ type: 'rating', item: 'a', value: 1 }),
        ev({ type: 'skip', item: 'b' }),
      ]);
      assert.deepEqual(vec(profile.long), [-4, -1, 0, 0]);
    });

    it('reduces interests, floors them at 0 and drops what reaches it', () => {
      const profile = apply([ev({ type: 'like', item: 'a' }), ev({ type: 'dislike', item: 'd' })]);
      assert.deepEqual(profile.payload.categories, {});
      assert.deepEqual(profile.payload.tags, { green: 4 });
    });

    it('does not let a negative interest absorb later positive ones', () => {
      const profile = apply([ev({ type: 'dislike', item: 'c' }), ev({ type: 'view', item: 'c' })]);
      assert.deepEqual(profile.payload.categories, { books: 1 });
    });

    it('does not count as a positive signal', () => {
      const profile = apply([
        ev({ type: 'dislike', item: 'a' }),
        ev({ type: 'rating', item: 'b', value: 3 }),
      ]);
      assert.equal(profile.payload.positiveEventCount, 0);
      assert.equal(profile.payload.eventCount, 2);
    });
  });

  describe('when an event weighs 0', () => {
    it('counts it and remembers the item without moving anything', () => {
      const profile = apply([ev({ type: 'rating', item: 'a', value: 3, at: T0 })]);
      assert.deepEqual(vec(profile.long), [0, 0, 0, 0]);
      assert.deepEqual(profile.payload.categories, {});
      assert.equal(profile.payload.eventCount, 1);
      assert.deepEqual(profile.payload.recentItems, [
        { itemId: 'a', type: 'rating', at: T0, value: 3 },
      ]);
      assert.deepEqual(profile.payload.seenItemIds, ['a']);
    });
  });

  describe('when the event is an impression', () => {
    it('bumps impressionCount only', () => {
      const profile = apply([
        ev({ type: 'impression', item: 'a', at: T0 }),
        ev({ type: 'impression', at: T0 + 1 }),
      ]);
      const p = profile.payload;
      assert.equal(p.impressionCount, 2);
      assert.equal(p.eventCount, 0);
      assert.equal(p.positiveEventCount, 0);
      assert.deepEqual(p.countsByType, { impression: 2 });
      assert.deepEqual(vec(profile.long), [0, 0, 0, 0]);
      assert.deepEqual(p.categories, {});
      assert.deepEqual(p.recentItems, []);
      assert.deepEqual(p.seenItemIds, []);
      assert.equal(p.recentEventIds.length, 2);
    });
  });

  describe("when the impression is generation's log of a variant choice", () => {
    it("counts it nowhere: the card's own impression counted the showing", () => {
      const shown = ev({ type: 'impression', item: 'a', at: T0 });
      const choices = [1, 2, 3].map((n) => {
        const choice = ev({ type: 'impression', item: 'a', at: T0 + n });
        choice.event.context = { source: VARIANT_CHOICE_SOURCE, creativeId: `cr_${n}` };
        return choice;
      });
      const p = apply([shown, ...choices]).payload;
      assert.equal(p.impressionCount, 1);
      assert.deepEqual(p.countsByType, { impression: 1 });
      assert.equal(p.recentEventIds.length, 4, 'each is still applied once');
    });
  });

  describe('when the catalog does not know the item', () => {
    it('counts the event but moves and remembers nothing', () => {
      const result = applyEvents(undefined, [ev({ type: 'purchase', item: 'ghost' })], SETTINGS);
      const p = result.profile.payload;
      assert.equal(p.eventCount, 1);
      assert.deepEqual(p.countsByType, { purchase: 1 });
      assert.equal(p.positiveEventCount, 0);
      assert.deepEqual(vec(result.profile.long), [0, 0, 0, 0]);
      assert.deepEqual(p.recentItems, []);
      assert.deepEqual(p.seenItemIds, []);
      assert.equal(result.outcomes[0]?.status, 'applied');
      assert.equal(
        result.outcomes[0]?.status === 'applied' && result.outcomes[0].unknownItem,
        true,
      );
    });
  });

  describe('when the item has no usable vector', () => {
    it('moves interests but not vectors', () => {
      const profile = apply([about({ type: 'like', item: 'toy' }, item('toys', ['fun']))]);
      assert.deepEqual(vec(profile.long), [0, 0, 0, 0]);
      assert.deepEqual(profile.payload.categories, { toys: 4 });
      assert.equal(profile.payload.positiveEventCount, 1);
    });
  });

  describe('when an event is delivered again with the same eventId', () => {
    it('counts it once within a batch', () => {
      const once = ev({ type: 'like', item: 'a' });
      const result = applyEvents(undefined, [once, redelivered(once, 1_000_000)], SETTINGS);
      assert.deepEqual(
        result.outcomes.map((o) => o.status),
        ['applied', 'duplicate'],
      );
      assert.equal(result.profile.payload.eventCount, 1);
      assert.deepEqual(vec(result.profile.long), [4, 0, 0, 0]);
    });

    it('skips it in a later batch and reports nothing changed', () => {
      const events = [ev({ type: 'view', item: 'a' }), ev({ type: 'like', item: 'b' })];
      const first = apply(events);
      const again = applyEvents(
        first,
        events.map((e, i) => redelivered(e, 2_000_000 + i)),
        SETTINGS,
      );
      assert.equal(again.changed, false);
      assert.deepEqual(
        again.outcomes.map((o) => o.status),
        ['duplicate', 'duplicate'],
      );
      assert.deepEqual(vec(again.profile.long), vec(first.long));
      assert.equal(again.profile.payload.eventCount, 2);
    });
  });

  describe('when the log delivers an offset already applied', () => {
    it("skips events at or below the partition's offset, even with new ids", () => {
      const first = apply([ev({ type: 'view', item: 'a', offset: 10 })]);
      const again = applyEvents(
        first,
        [ev({ type: 'like', item: 'b', offset: 9 }), ev({ type: 'like', item: 'b', offset: 10 })],
        SETTINGS,
      );
      assert.deepEqual(
        again.outcomes.map((o) => o.status),
        ['replayed', 'replayed'],
      );
      assert.equal(again.changed, false);
      assert.equal(again.profile.payload.eventCount, 1);
    });

    it('compares offsets as numbers, not strings', () => {
      const first = apply([ev({ type: 'view', item: 'a', offset: 9 })]);
      const second = apply([ev({ type: 'view', item: 'b', offset: 10 })], first);
      assert.equal(second.payload.eventCount, 2);
      assert.deepEqual(second.payload.offsets, { '0': '10' });
    });

    it('keeps offsets per partition', () => {
      const first = apply([ev({ type: 'view', item: 'a', partition: 0, offset: 10 })]);
      const second = apply([ev({ type: 'view', item: 'b', partition: 1, offset: 5 })], first);
      assert.equal(second.payload.eventCount, 2);
      assert.deepEqual(second.payload.offsets, { '0': '10', '1': '5' });
    });

    it('takes offsets beyond 2^53', () => {
      const first = apply([ev({ type: 'view', item: 'a', offset: '9007199254740993' })]);
      const again = applyEvents(
        first,
        [ev({ type: 'view', item: 'b', offset: '9007199254740992' })],
        SETTINGS,
      );
      assert.equal(again.outcomes[0]?.status, 'replayed');
    });

    it('refuses an offset that is not a decimal string', () => {
      assert.throws(() => apply([ev({ type: 'view', item: 'a', offset: '1e3' })]), RangeError);
    });
  });

  describe('when lists grow past their bounds', () => {
    it('keeps the newest 500 event ids, newest first', () => {
      const events = Array.from({ length: 600 }, (_, i) =>
        ev({ type: 'view', item: 'a', at: T0 + i, eventId: `bound-${i}` }),
      );
      const ids = apply(events).payload.recentEventIds;
      assert.equal(ids.length, PROFILE_LIMITS.recentEventIds);
      assert.equal(ids[0], 'bound-599');
      assert.equal(ids.at(-1), 'bound-100');
    });

    it('keeps the newest 50 interactions, newest first, impressions left out', () => {
      const events = Array.from({ length: 60 }, (_, i) =>
        ev({ type: 'view', item: 'a', at: T0 + i }),
      );
      events.push(ev({ type: 'impression', item: 'b', at: T0 + 1_000 }));
      const recent = apply(events).payload.recentItems;
      assert.equal(recent.length, PROFILE_LIMITS.recentItems);
      assert.deepEqual(
        recent.map((r) => r.at),
        Array.from({ length: 50 }, (_, i) => T0 + 59 - i),
      );
    });

    it('places a late interaction by its time and drops one older than all kept', () => {
      const some = apply([
        ev({ type: 'view', item: 'a', at: T0 + 10 }),
        ev({ type: 'view', item: 'b', at: T0 + 30 }),
        ev({ type: 'like', item: 'c', at: T0 + 20 }),
      ]);
      assert.deepEqual(
        some.payload.recentItems.map((r) => [r.itemId, r.at]),
        [
          ['b', T0 + 30],
          ['c', T0 + 20],
          ['a', T0 + 10],
        ],
      );
      const full = apply(
        Array.from({ length: 50 }, (_, i) => ev({ type: 'view', item: 'a', at: T0 + 100 + i })),
      );
      const late = apply([ev({ type: 'like', item: 'b', at: T0 })], full);
      assert.equal(late.payload.recentItems.length, 50);
      assert.ok(late.payload.recentItems.every((r) => r.itemId === 'a'));
    });

    it('keeps the 1000 most recently touched items as seen', () => {
      const events = Array.from({ length: 1_100 }, (_, i) =>
        about({ type: 'view', item: `x${i}`, at: T0 + i }, item('misc', [], axis(0))),
      );
      const seen = apply(events).payload.seenItemIds;
      assert.equal(seen.length, PROFILE_LIMITS.seenItemIds);
      assert.equal(seen[0], 'x1099');
      assert.equal(seen.at(-1), 'x100');
      assert.ok(!seen.includes('x99'));
    });

    it('moves an item touched again to the front, unless the touch is older', () => {
      const profile = apply([
        ev({ type: 'view', item: 'a', at: T0 + 10 }),
        ev({ type: 'view', item: 'b', at: T0 + 20 }),
        ev({ type: 'view', item: 'a', at: T0 + 30 }),
      ]);
      assert.deepEqual(profile.payload.seenItemIds, ['a', 'b']);
      const late = apply([ev({ type: 'view', item: 'b', at: T0 })], profile);
      assert.deepEqual(late.payload.seenItemIds, ['a', 'b']);
    });

    it('keeps the 50 strongest categories', () => {
      const events = Array.from({ length: 60 }, (_, i) =>
        about(
          { type: 'view', item: `k${i}`, at: T0 + i * DAY },
          item(`cat-${String(i).padStart(2, '0')}`, []),
        ),
      );
      const categories = Object.keys(apply(events).payload.categories).sort();
      assert.equal(categories.length, PROFILE_LIMITS.categories);
      assert.equal(categories[0], 'cat-10');
      assert.equal(categories.at(-1), 'cat-59');
    });

    it('keeps the 200 strongest tags, ties broken by name', () => {
      const tags = Array.from({ length: 210 }, (_, i) => `t${String(i).padStart(3, '0')}`);
      const profile = apply([about({ type: 'view', item: 'many' }, item('misc', tags))]);
      const kept = Object.keys(profile.payload.tags).sort();
      assert.equal(kept.length, PROFILE_LIMITS.tags);
      assert.equal(kept.at(-1), 't199');
    });

    it('drops interests that decay to 1e-6 or less', () => {
      // 20 half-lives: 1 × 2^−20 ≈ 9.5e-7.
      const profile = apply([
        ev({ type: 'view', item: 'a', at: T0 }),
        ev({ type: 'view', item: 'b', at: T0 + 20 * 30 * DAY }),
      ]);
      assert.deepEqual(profile.payload.categories, { kitchen: 1 });
    });
  });

  describe('when counting', () => {
    it('counts behaviour events, impressions and each type apart', () => {
      const p = apply([
        ev({ type: 'view', item: 'a' }),
        ev({ type: 'view', item: 'b' }),
        ev({ type: 'purchase', item: 'b' }),
        ev({ type: 'impression', item: 'c' }),
        ev({ type: 'dislike', item: 'd' }),
      ]).payload;
      assert.equal(p.eventCount, 4);
      assert.equal(p.impressionCount, 1);
      assert.equal(p.positiveEventCount, 3);
      assert.deepEqual(p.countsByType, { view: 2, purchase: 1, impression: 1, dislike: 1 });
    });
  });

  describe('when the input is given', () => {
    it('leaves it as it was', () => {
      const before = apply([ev({ type: 'view', item: 'a' }), ev({ type: 'like', item: 'b' })]);
      const snapshot = JSON.stringify({
        ...before,
        long: vec(before.long),
        short: vec(before.short),
      });
      apply(
        [ev({ type: 'dislike', item: 'a', at: T0 + DAY }), ev({ type: 'view', item: 'c' })],
        before,
      );
      assert.equal(
        JSON.stringify({ ...before, long: vec(before.long), short: vec(before.short) }),
        snapshot,
      );
    });

    it('comes to the same profile in place as on a copy, and changes the one given there', () => {
      const first = [ev({ type: 'view', item: 'a' }), ev({ type: 'like', item: 'b' })];
      const next = [
        ev({ type: 'dislike', item: 'a', at: T0 + DAY }),
        ev({ type: 'view', item: 'c' }),
      ];
      const copied = apply(next, apply(first));
      const owned = apply(first);
      const result = applyEventsInPlace(owned, next, SETTINGS);
      assert.equal(result.profile, owned);
      assert.deepEqual(owned.payload, copied.payload);
      assert.deepEqual(vec(owned.long), vec(copied.long));
      assert.deepEqual(vec(owned.short), vec(copied.short));
    });

    it('refuses events of another user', () => {
      assert.throws(
        () =>
          apply([
            ev({ type: 'view', item: 'a', userId: 'u1' }),
            ev({ type: 'view', item: 'a', userId: 'u2' }),
          ]),
        RangeError,
      );
    });

    it('refuses a profile of another dimension', () => {
      assert.throws(
        () => apply([ev({ type: 'view', item: 'a' })], emptyProfile('u1', DIMENSION + 1)),
        RangeError,
      );
    });

    it('takes any string as a tag, __proto__ included', () => {
      const profile = apply([
        about({ type: 'view', item: 'odd' }, item('constructor', ['__proto__'])),
      ]);
      assert.deepEqual(Object.entries(profile.payload.tags), [['__proto__', 1]]);
      assert.deepEqual(Object.entries(profile.payload.categories), [['constructor', 1]]);
    });
  });
});

describe('forgetProfile', () => {
  const history = [
    ev({ type: 'view', item: 'a', partition: 2, offset: 40 }),
    ev({ type: 'like', item: 'b', partition: 2, offset: 41 }),
    ev({ type: 'impression', item: 'c', partition: 2, offset: 42 }),
  ];
  const held = apply(history);
  const tombstone = forgetProfile(held, 'u1', DIMENSION);

  describe('when the user had a profile', () => {
    it('keeps only the offsets, every other field empty and vectors zero', () => {
      const empty = emptyProfile('u1', DIMENSION);
      assert.deepEqual(tombstone.payload, { ...empty.payload, offsets: { '2': '42' } });
      assert.deepEqual(vec(tombstone.long), [0, 0, 0, 0]);
      assert.deepEqual(vec(tombstone.short), [0, 0, 0, 0]);
    });

    it('holds no personal data, where the profile did', () => {
      assert.equal(holdsPersonalData(held), true);
      assert.equal(holdsPersonalData(tombstone), false);
    });

    it('does not apply the old events when the log delivers them again', () => {
      const result = applyEvents(tombstone, history, SETTINGS);
      assert.equal(result.changed, false);
      assert.equal(holdsPersonalData(result.profile), false);
    });

    it('starts afresh with later events', () => {
      const later = apply(
        [ev({ type: 'view', item: 'c', partition: 2, offset: 43, at: T0 + DAY })],
        tombstone,
      );
      assert.equal(later.payload.eventCount, 1);
      assert.deepEqual(vec(later.long), [0, 0, 1, 0]);
      assert.deepEqual(later.payload.categories, { books: 1 });
      assert.deepEqual(later.payload.seenItemIds, ['c']);
    });
  });

  describe('when the user had nothing', () => {
    it('is an empty profile', () => {
      assert.deepEqual(forgetProfile(undefined, 'u9', DIMENSION), emptyProfile('u9', DIMENSION));
    });
  });
});

describe('half-lives', () => {
  it('match the defaults the fixtures assume', () => {
    assert.equal(LONG_HALF_LIFE_MS, 30 * DAY);
    assert.equal(SHORT_HALF_LIFE_MS, 30 * MS_PER_MINUTE);
  });
});
