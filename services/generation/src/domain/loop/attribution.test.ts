import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  attributeEvents,
  type CreditableEvent,
  type Shown,
  statsBy,
  wilson,
} from './attribution.js';
import { DEFAULT_REWARD_WEIGHTS } from './rewards.js';

const HOUR = 3_600_000;
const OPTIONS = { windowMs: 24 * HOUR, weights: DEFAULT_REWARD_WEIGHTS };

function shown(decisionId: string, at: number, overrides: Partial<Shown> = {}): Shown {
  return {
    decisionId,
    at,
    creativeId: 'cr_a',
    recommendationId: 'rec-1',
    angle: 'value',
    bucket: 'description|any|outdoor',
    ...overrides,
  };
}

function event(
  eventId: string,
  at: number,
  overrides: Partial<CreditableEvent> = {},
): CreditableEvent {
  return {
    eventId,
    type: 'click',
    at,
    creativeId: 'cr_a',
    recommendationId: undefined,
    ...overrides,
  };
}

describe('attributeEvents', () => {
  it('credits an event to the latest showing of its creative before it, within the window', () => {
    const credits = attributeEvents(
      [shown('d-1', 0), shown('d-2', 2 * HOUR)],
      [event('e-1', 3 * HOUR)],
      OPTIONS,
    );
    assert.deepEqual([...credits.keys()], ['d-2']);
    assert.equal(credits.get('d-2')?.reward, 0.5);
  });

  it('credits nothing too late, too early or for another creative', () => {
    const credits = attributeEvents(
      [shown('d-1', HOUR)],
      [
        event('late', 26 * HOUR),
        event('early', 0),
        event('other-creative', 2 * HOUR, { creativeId: 'cr_b' }),
        event('no-creative', 2 * HOUR, { creativeId: undefined }),
      ],
      OPTIONS,
    );
    assert.equal(credits.size, 0);
  });

  it('credits the showing in the list the event names, even when a later one exists', () => {
    const credits = attributeEvents(
      [shown('d-1', 0), shown('d-2', HOUR, { recommendationId: 'rec-2' })],
      [event('e-1', 2 * HOUR, { recommendationId: 'rec-1' })],
      OPTIONS,
    );
    assert.deepEqual([...credits.keys()], ['d-1']);
  });

  it('credits a variant kept into a later list, whose choice names the first list', () => {
    const credits = attributeEvents(
      [shown('d-1', 0)],
      [event('from-refresh', HOUR, { recommendationId: 'rec-2' })],
      OPTIONS,
    );
    assert.deepEqual([...credits.keys()], ['d-1']);
  });

  it('counts each event once and a showing’s best event, capped at 1', () => {
    const credits = attributeEvents(
      [shown('d-1', 0)],
      [
        event('e-1', HOUR),
        event('e-1', HOUR),
        event('e-2', 2 * HOUR, { type: 'purchase', recommendationId: 'rec-1' }),
      ],
      OPTIONS,
    );
    assert.deepEqual(credits.get('d-1'), {
      decisionId: 'd-1',
      reward: 1,
      types: ['click', 'purchase'],
    });
  });
});

describe('statsBy', () => {
  it('counts impressions, clicks and conversions per group with intervals', () => {
    const all = [
      shown('d-1', 0),
      shown('d-2', 0),
      shown('d-3', 0, { creativeId: 'cr_b', angle: 'novelty' }),
    ];
    const credits = attributeEvents(
      all,
      [event('e-1', 1), event('e-2', 2, { creativeId: 'cr_b', type: 'add_to_cart' })],
      OPTIONS,
    );
    const byAngle = statsBy(all, credits, (s) => s.angle);
    assert.deepEqual(
      byAngle.map((s) => [s.key, s.impressions, s.clicks, s.conversions]),
      [
        ['value', 2, 1, 0],
        ['novelty', 1, 0, 1],
      ],
    );
    const value = byAngle[0]!;
    assert.equal(value.ctr.rate, 0.5);
    assert.ok(value.ctr.low < 0.5 && value.ctr.high > 0.5);
  });
});

describe('wilson', () => {
  it('matches the textbook interval and stays inside [0, 1]', () => {
    const { low, high } = wilson(10, 100);
    assert.ok(
      Math.abs(low - 0.0552) < 0.0005 && Math.abs(high - 0.1744) < 0.0005,
      `${low} ${high}`,
    );
    assert.equal(wilson(0, 20).low, 0);
    assert.ok(wilson(0, 20).high > 0.1, 'no clicks yet is not a rate of zero for sure');
    assert.deepEqual(wilson(0, 0), { rate: 0, low: 0, high: 0 });
  });
});
