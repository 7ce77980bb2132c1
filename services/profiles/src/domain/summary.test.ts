import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ev, LONG_HALF_LIFE_MS, SETTINGS, T0 } from '../testing/fixtures.js';
import { applyEvents, forgetProfile, type ProfileEvent, type StoredProfile } from './profile.js';
import { interestShares, summarizeProfile } from './summary.js';

const DAY = 86_400_000;

function payloadOf(events: ProfileEvent[]): StoredProfile {
  return applyEvents(undefined, events, SETTINGS).profile.payload;
}

function summary(payload: StoredProfile | undefined, now = T0 + DAY) {
  return summarizeProfile('u1', payload, now, LONG_HALF_LIFE_MS);
}

describe('summarizeProfile', () => {
  describe('when the user has no profile', () => {
    it('is an empty cold-start profile with no last event', () => {
      assert.deepEqual(summary(undefined), {
        userId: 'u1',
        eventCount: 0,
        impressionCount: 0,
        isColdStart: true,
        categories: [],
        tags: [],
        countsByType: [],
        recentItems: [],
        lastEventAt: null,
      });
    });
  });

  describe('when the profile was forgotten', () => {
    it('reads like a user never seen', () => {
      const held = applyEvents(undefined, [ev({ type: 'like', item: 'a' })], SETTINGS).profile;
      const tombstone = forgetProfile(held, 'u1', SETTINGS.dimension);
      assert.deepEqual(summary(tombstone.payload), summary(undefined));
    });
  });

  describe('when the user has a history', () => {
    const payload = payloadOf([
      ev({ type: 'view', item: 'a', at: T0 }),
      ev({ type: 'like', item: 'b', at: T0 + 30 * DAY }),
      ev({ type: 'impression', item: 'c', at: T0 + 30 * DAY }),
      ev({ type: 'view', item: 'b', at: T0 + 30 * DAY + 1 }),
    ]);

    it('gives interest weights as shares of the total, strongest first', () => {
      // garden 1 × ½ = 0.5, kitchen (4 + 1) ≈ 5: shares 0.5/5.5 and 5/5.5.
      const s = summary(payload, T0 + 30 * DAY + 1);
      assert.deepEqual(
        s.categories.map((c) => c.name),
        ['kitchen', 'garden'],
      );
      assert.ok(Math.abs(s.categories[0]!.weight - 5 / 5.5) < 1e-6);
      assert.ok(Math.abs(s.categories[1]!.weight - 0.5 / 5.5) < 1e-6);
      assert.ok(Math.abs(s.categories.reduce((sum, c) => sum + c.weight, 0) - 1) < 1e-12);
    });

    it('gives the same shares whenever it is read, as everything decays alike', () => {
      const soon = summary(payload, T0 + 31 * DAY).tags;
      const later = summary(payload, T0 + 200 * DAY).tags;
      assert.deepEqual(
        later.map((t) => t.name),
        soon.map((t) => t.name),
      );
      for (const [i, tag] of later.entries())
        assert.ok(Math.abs(tag.weight - soon[i]!.weight) < 1e-12);
    });

    it('drops interests that have decayed to nothing by now', () => {
      assert.deepEqual(summary(payload, T0 + 30 * DAY + 30 * 30 * DAY).categories, []);
    });

    it("counts by type in the contract's order, leaving out types never seen", () => {
      assert.deepEqual(summary(payload).countsByType, [
        { type: 'view', count: 2 },
        { type: 'like', count: 1 },
        { type: 'impression', count: 1 },
      ]);
    });

    it('reports counts, the newest event time and not a cold start', () => {
      const s = summary(payload);
      assert.equal(s.eventCount, 3);
      assert.equal(s.impressionCount, 1);
      assert.equal(s.lastEventAt, T0 + 30 * DAY + 1);
      assert.equal(s.isColdStart, false);
      assert.deepEqual(
        s.recentItems.map((r) => r.type),
        ['view', 'like', 'view'],
      );
    });
  });

  describe('when the user has no positive signal', () => {
    it('is a cold start, though events are counted', () => {
      const s = summary(
        payloadOf([
          ev({ type: 'dislike', item: 'a' }),
          ev({ type: 'impression', item: 'b' }),
          ev({ type: 'rating', item: 'c', value: 3 }),
          ev({ type: 'purchase', item: 'unknown-item' }),
        ]),
      );
      assert.equal(s.isColdStart, true);
      assert.equal(s.eventCount, 3);
    });
  });
});

describe('interestShares', () => {
  describe('when weights are held', () => {
    it('orders by share, ties by name', () => {
      assert.deepEqual(interestShares({ b: 1, a: 1, c: 2 }, 1), [
        { name: 'c', weight: 0.5 },
        { name: 'a', weight: 0.25 },
        { name: 'b', weight: 0.25 },
      ]);
    });
  });

  describe('when nothing is held', () => {
    it('is empty', () => {
      assert.deepEqual(interestShares({}, 1), []);
    });
  });
});
