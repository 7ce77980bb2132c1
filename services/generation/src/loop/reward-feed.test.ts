import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import {
  type ConsumedEvent,
  createEmbeddedEventBus,
  publishUserEvents,
  seededRandom,
  silentLogger,
  USER_EVENTS_TOPIC,
  type UserEvent,
} from '@tailor/kit';
import { waitFor } from '@tailor/kit/testing';

import type { Angle } from '../domain/loop/angles.js';
import { DEFAULT_BANDIT_SETTINGS } from '../domain/loop/bandit.js';
import { DEFAULT_REWARD_WEIGHTS } from '../domain/loop/rewards.js';
import { CreativeLoop, MemoryDecisionSink, type VariantSlot } from './creative-loop.js';
import { RewardFeed } from './reward-feed.js';

const ANGLES: readonly Angle[] = ['interest', 'value', 'novelty'];
const SLOT: Omit<VariantSlot, 'userId'> = {
  itemId: 'shoe-1',
  format: 'DESCRIPTION',
  recommendationId: null,
  topCategory: 'Outdoor',
};

/** A loop whose rewards come from a feed, as the service wires them. */
function wired(bus: RewardFeedBus = undefined as never) {
  const feed = new RewardFeed({
    bus,
    // Called only once the loop below exists, as in the service.
    reward: (decision, reward) => loop.reward(decision, reward),
    weights: DEFAULT_REWARD_WEIGHTS,
    windowMs: 86_400_000,
    logger: silentLogger(),
  });
  const loop = new CreativeLoop({
    enabled: true,
    settings: DEFAULT_BANDIT_SETTINGS,
    random: seededRandom(7),
    promptVersion: 'template-v3',
    stickyMs: 0,
    stickyMaxEntries: 100,
    sink: new MemoryDecisionSink(),
    onShown: (decision, userId) => feed.shown(decision, userId),
    logger: silentLogger(),
  });
  return { loop, feed };
}
type RewardFeedBus = ConstructorParameters<typeof RewardFeed>[0]['bus'];

let offset = 0;
function consumed(event: UserEvent): ConsumedEvent {
  offset += 1;
  return { event, partition: 0, offset: String(offset) };
}

describe('RewardFeed', () => {
  it('raises the selection share of the variant users click', () => {
    const { loop, feed } = wired();
    const chosen: Angle[] = [];
    for (let user = 0; user < 1200; user += 1) {
      const userId = `u-${user}`;
      const decision = loop.choose({ ...SLOT, userId }, ANGLES);
      chosen.push(decision.angle);
      // Users click the value-led copy one time in three, and nothing else.
      if (decision.angle !== 'value' || user % 3 !== 0) continue;
      feed.apply([
        consumed({
          eventId: `click-${user}`,
          userId,
          itemId: SLOT.itemId,
          type: 'click',
          timestamp: decision.at,
          context: { creativeId: decision.creativeId },
        }),
      ]);
    }
    const share = (from: number, to: number) =>
      chosen.slice(from, to).filter((a) => a === 'value').length / (to - from);
    for (const angle of ANGLES)
      assert.ok(chosen.slice(0, 30).includes(angle), `${angle} is tried at first`);
    assert.ok(share(0, 30) < 0.6, `value does not lead before its clicks: ${share(0, 30)}`);
    assert.ok(share(900, 1200) > 0.8, `then value leads: ${share(900, 1200)}`);
    assert.ok(feed.credited > 50);
  });

  it("credits a click published to user-events to the user's showing", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tailor-rewards-'));
    const bus = await createEmbeddedEventBus({ dataDir, logger: silentLogger() });
    try {
      await bus.ensureTopics([{ name: USER_EVENTS_TOPIC }]);
      const { loop, feed } = wired(bus);
      await feed.start();
      const decision = loop.choose({ ...SLOT, userId: 'ann' }, ANGLES);
      const before = loop.posteriors.stats('description|any|outdoor', decision.angle);
      await publishUserEvents(bus, [
        {
          eventId: 'ann-buys',
          userId: 'ann',
          itemId: SLOT.itemId,
          type: 'purchase',
          timestamp: Date.now(),
          context: { creativeId: decision.creativeId },
        },
      ]);
      await waitFor(() => feed.credited === 1, { description: 'the purchase to be credited' });
      assert.deepEqual(loop.posteriors.stats('description|any|outdoor', decision.angle), {
        impressions: before.impressions,
        reward: before.reward + 1,
      });
      await feed.stop();
    } finally {
      await bus.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
