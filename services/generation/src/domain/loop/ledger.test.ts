import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type LedgerEvent, type LedgerShowing, ShowingLedger } from './ledger.js';
import { DEFAULT_REWARD_WEIGHTS } from './rewards.js';

const HOUR = 3_600_000;

function ledger(maxShowings = 100) {
  return new ShowingLedger({
    windowMs: 24 * HOUR,
    weights: DEFAULT_REWARD_WEIGHTS,
    maxShowings,
    maxEventIds: 100,
  });
}

function showing(decisionId: string, at: number, more: Partial<LedgerShowing> = {}): LedgerShowing {
  return {
    decisionId,
    at,
    creativeId: 'cr_a',
    recommendationId: 'rec-1',
    angle: 'value',
    bucket: 'description|any|outdoor',
    userId: 'ann',
    ...more,
  };
}

let next = 0;
function event(
  type: LedgerEvent['type'],
  at: number,
  more: Partial<LedgerEvent> = {},
): LedgerEvent {
  next += 1;
  return {
    eventId: `e${next}`,
    userId: 'ann',
    type,
    at,
    creativeId: 'cr_a',
    recommendationId: undefined,
    ...more,
  };
}

describe('ShowingLedger', () => {
  it("credits an event to the user's latest showing of the creative before it", () => {
    const l = ledger();
    l.show(showing('d1', 0));
    l.show(showing('d2', 2 * HOUR));
    l.show(showing('d3', 5 * HOUR));
    assert.equal(l.credit(event('click', 3 * HOUR))?.shown.decisionId, 'd2');
  });

  it('adds only what a stronger event adds to the showing, and nothing for a weaker one', () => {
    const l = ledger();
    l.show(showing('d1', 0));
    assert.equal(l.credit(event('click', 1))?.added, 0.5);
    assert.equal(l.credit(event('purchase', 2))?.added, 0.5);
    assert.equal(l.credit(event('click', 3)), undefined);
  });

  it("credits nothing to another user's showing, past the window, or twice", () => {
    const l = ledger();
    l.show(showing('d1', 0));
    assert.equal(l.credit(event('click', 1, { userId: 'bob' })), undefined);
    assert.equal(l.credit(event('click', 25 * HOUR)), undefined);
    assert.equal(l.credit(event('view', 1)), undefined);
    const once = event('like', 1, { recommendationId: 'rec-1' });
    assert.equal(l.credit(once)?.added, 0.8);
    assert.equal(l.credit(once), undefined);
  });

  it('prefers the showing in the named list, and credits a kept variant from a later list', () => {
    const l = ledger();
    l.show(showing('d1', 0));
    l.show(showing('d2', HOUR, { recommendationId: 'rec-2' }));
    assert.equal(
      l.credit(event('click', 2 * HOUR, { recommendationId: 'rec-1' }))?.shown.decisionId,
      'd1',
    );
    // A refreshed feed kept d2's variant (sticky): the event names the new list, rec-3.
    assert.equal(
      l.credit(event('like', 3 * HOUR, { recommendationId: 'rec-3' }))?.shown.decisionId,
      'd2',
    );
  });

  it('forgets the oldest showings past its bound', () => {
    const l = ledger(2);
    l.show(showing('d1', 0, { creativeId: 'cr_old' }));
    l.show(showing('d2', 1));
    l.show(showing('d3', 2));
    assert.equal(l.size, 2);
    assert.equal(l.credit(event('click', 3, { creativeId: 'cr_old' })), undefined);
    assert.equal(l.credit(event('click', 3))?.shown.decisionId, 'd3');
  });

  it("takes out a user's showings with what they earned, and holds a decision once", () => {
    const l = ledger();
    assert.equal(l.show(showing('d1', 0, { subject: 's-ann' })), true);
    assert.equal(l.show(showing('d1', 0, { subject: 's-ann' })), false);
    l.show(showing('d2', 0, { userId: 'bob', subject: 's-bob' }));
    l.credit(event('purchase', 1));
    assert.deepEqual([...l.subjects()].sort(), ['s-ann', 's-bob']);
    const removed = l.remove((s) => s.subject === 's-ann');
    assert.deepEqual(
      removed.map((r) => [r.shown.decisionId, r.types, r.reward]),
      [['d1', ['purchase'], 1]],
    );
    assert.equal(l.size, 1);
    assert.equal(l.credit(event('click', 2)), undefined);
  });
});
