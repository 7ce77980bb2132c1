import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  type ConsumedEvent,
  ExperimentRegistry,
  parseExperiments,
  silentLogger,
  type UserEvent,
} from '@tailor/kit';

import { ExperimentTally } from './experiment-tally.js';

const [experiment] = parseExperiments([
  {
    name: 'lists',
    arms: [
      { name: 'control', traffic: 0.5 },
      { name: 'diverse', traffic: 0.5, settings: { recommender: { mmrLambda: 0.3 } } },
    ],
  },
]);

let now = 1_000_000;
let offset = 0;

/** A tally fed by hand, its registry on a clock the test moves. */
function tallyOf(maxUsers = 100) {
  const registry = new ExperimentRegistry({
    experiments: [experiment!],
    refreshMs: 1000,
    logger: silentLogger(),
    now: () => now,
  });
  const tally = new ExperimentTally({
    // Never subscribed here: events go in through apply.
    bus: undefined as never,
    experiments: registry,
    logger: silentLogger(),
    maxUsers,
  });
  return { registry, tally };
}

function consumed(event: Partial<UserEvent> & Pick<UserEvent, 'userId' | 'type'>): ConsumedEvent {
  offset += 1;
  return {
    partition: 0,
    offset: String(offset),
    event: { eventId: `e${offset}`, timestamp: now, ...event },
  };
}

/** The impressions of one served list of `items` items, exposing `userId` to `arm`. */
function list(userId: string, arm: string, recommendationId: string, items = 3): ConsumedEvent[] {
  return Array.from({ length: items }, (_, position) =>
    consumed({
      userId,
      itemId: `item-${position}`,
      type: 'impression',
      context: { recommendationId, position: String(position), 'experiment.lists': arm },
    }),
  );
}

describe('ExperimentTally', () => {
  it('counts exposures per arm, clicks on exposed lists only, conversions and revenue', async () => {
    const { tally } = tallyOf();
    tally.apply([
      // A purchase before any exposure is not the experiment's doing.
      consumed({ userId: 'ann', itemId: 'item-9', type: 'purchase', value: 99 }),
      ...list('ann', 'control', 'r1'),
      consumed({
        userId: 'ann',
        itemId: 'item-0',
        type: 'click',
        context: { recommendationId: 'r1' },
      }),
      // A click on a list that was never an exposure of hers.
      consumed({
        userId: 'ann',
        itemId: 'item-5',
        type: 'click',
        context: { recommendationId: 'rX' },
      }),
      ...list('bob', 'diverse', 'r2'),
      consumed({ userId: 'bob', itemId: 'item-1', type: 'add_to_cart' }),
      consumed({ userId: 'bob', itemId: 'item-1', type: 'purchase', value: 30 }),
    ]);
    const results = await tally.results('lists');
    const [control, diverse] = results!.arms;
    assert.deepEqual(
      [control?.users, control?.exposures, control?.clicks, control?.conversions, control?.revenue],
      [1, 3, 1, 0, 0],
    );
    assert.deepEqual(
      [diverse?.users, diverse?.exposures, diverse?.clicks, diverse?.conversions, diverse?.revenue],
      [1, 3, 0, 1, 30],
    );
    assert.equal(results?.verdict, null);
    assert.equal(await tally.results('nope'), undefined);
  });

  it('counts a redelivered batch once', async () => {
    const { tally } = tallyOf();
    const batch = list('cat', 'control', 'r3');
    tally.apply(batch);
    tally.apply(batch);
    assert.equal((await tally.results('lists'))?.arms[0]?.exposures, 3);
  });

  it('counts nothing that happened after the experiment was stopped', async () => {
    const { registry, tally } = tallyOf();
    tally.apply(list('dan', 'diverse', 'r4'));
    await registry.stop('lists');
    now += 1;
    tally.apply([
      ...list('dan', 'diverse', 'r5'),
      consumed({
        userId: 'dan',
        itemId: 'item-0',
        type: 'click',
        context: { recommendationId: 'r4' },
      }),
      consumed({ userId: 'dan', itemId: 'item-0', type: 'purchase', value: 10 }),
    ]);
    const diverse = (await tally.results('lists'))?.arms[1];
    assert.deepEqual([diverse?.exposures, diverse?.clicks, diverse?.revenue], [3, 0, 0]);
  });

  it('leaves out users past the limit and says how many impressions it left out', async () => {
    const { tally } = tallyOf(1);
    tally.apply([...list('eve', 'control', 'r6'), ...list('fay', 'diverse', 'r7', 2)]);
    const results = await tally.results('lists');
    assert.deepEqual(
      results?.arms.map((a) => a.users),
      [1, 0],
    );
    assert.equal(results?.impressionsNotCounted, 2);
  });
});
