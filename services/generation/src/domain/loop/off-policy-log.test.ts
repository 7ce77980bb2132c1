import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { seededRandom, type UserEvent } from '@tailor/kit';

import type { Angle } from './angles.js';
import { drawIndex } from './bandit.js';
import { choiceEvent } from './decision-event.js';
import { within } from './off-policy.js';
import { LoggedChoices, namedPolicy } from './off-policy-log.js';

const OFFERED: readonly Angle[] = ['interest', 'value', 'novelty'];
const LOGGING = [0.8, 0.1, 0.1];
const CLICK_RATE: Record<string, number> = { interest: 0.05, value: 0.3, novelty: 0.1 };

/** A log as generation writes it: choices by a skewed policy, clicks carrying creative ids. */
function log(n: number, seed: number): UserEvent[] {
  const random = seededRandom(seed);
  const events: UserEvent[] = [];
  for (let i = 0; i < n; i += 1) {
    const index = drawIndex(LOGGING, random);
    const angle = OFFERED[index]!;
    const userId = `u-${i}`;
    const creativeId = `cr_${angle}`;
    events.push(
      choiceEvent(
        {
          decisionId: `d-${i}`,
          at: i,
          recommendationId: null,
          itemId: 'shoe',
          format: 'DESCRIPTION',
          bucket: 'description|any|outdoor',
          angle,
          creativeId,
          propensity: LOGGING[index]!,
          probabilities: Object.fromEntries(OFFERED.map((a, k) => [a, LOGGING[k]!])),
        },
        userId,
      ),
    );
    if (random() < CLICK_RATE[angle]!)
      events.push({
        eventId: `c-${i}`,
        userId,
        itemId: 'shoe',
        type: 'click',
        timestamp: i + 1,
        context: { creativeId },
      });
  }
  return events;
}

describe('LoggedChoices', () => {
  it('estimates from the logged choices what another policy would have earned', () => {
    const choices = new LoggedChoices({
      windowMs: 1000,
      weights: { click: 1 },
      maxChoices: 50_000,
    });
    for (const event of log(20_000, 5)) choices.apply(event);
    assert.equal(choices.size, 20_000);
    const uniform = choices.estimate(namedPolicy('uniform'));
    const truth = (0.05 + 0.3 + 0.1) / 3;
    assert.ok(
      within(uniform.snips, truth),
      `SNIPS ${JSON.stringify(uniform.snips)} holds ${truth}`,
    );
    assert.ok(!within(uniform.snips, uniform.observedMean), 'the plain mean of the log is off');
    const value = choices.estimate(namedPolicy('always:value'));
    assert.ok(within(value.ips, 0.3), `IPS of always-value ${JSON.stringify(value.ips)}`);
  });

  it('names what a policy must be', () => {
    assert.throws(() => namedPolicy('always:price'), /uniform or always:/);
  });
});
