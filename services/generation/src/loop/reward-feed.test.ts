import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import {
  type ConsumedEvent,
  createEmbeddedEventBus,
  createEmbeddedVectorStore,
  createUserKeyVault,
  publishUserEvents,
  seededRandom,
  silentLogger,
  USER_EVENTS_TOPIC,
  type UserEvent,
  type UserKeyVault,
} from '@tailor/kit';
import { waitFor } from '@tailor/kit/testing';

import type { Angle } from '../domain/loop/angles.js';
import { DEFAULT_BANDIT_SETTINGS } from '../domain/loop/bandit.js';
import { DEFAULT_REWARD_WEIGHTS } from '../domain/loop/rewards.js';
import {
  BanditEvidence,
  CreativeLoop,
  MemoryDecisionSink,
  type VariantSlot,
} from './creative-loop.js';
import { BusDecisionSink } from './decision-log.js';
import { RewardFeed } from './reward-feed.js';

const ANGLES: readonly Angle[] = ['interest', 'value', 'novelty'];
const SLOT: Omit<VariantSlot, 'userId'> = {
  itemId: 'shoe-1',
  format: 'DESCRIPTION',
  recommendationId: null,
  topCategory: 'Outdoor',
};

/**
 * A loop whose rewards come from a feed, as the service wires them: with a bus, choices are
 * logged on it, so the wiring is one replica of the service.
 */
function wired(
  bus: RewardFeedBus = undefined,
  seed = 7,
  privacy: { vault?: UserKeyVault; forgetSweepMs?: number } = {},
) {
  const { vault, forgetSweepMs } = privacy;
  const decisionLog =
    bus === undefined ? undefined : new BusDecisionSink({ bus, vault, logger: silentLogger() });
  // One evidence for both, as in the service: the feed feeds it, the loop chooses by it.
  const evidence = new BanditEvidence(DEFAULT_BANDIT_SETTINGS, 1000);
  const feed = new RewardFeed({
    vault,
    ...(forgetSweepMs === undefined ? {} : { forgetSweepMs }),
    bus,
    impression: (decision, userId) => evidence.impression(decision, userId),
    reward: (decision, reward, userId) => evidence.reward(decision, reward, userId),
    shoppers: () => evidence.shoppers.held(),
    forgetShoppers: (userIds) => evidence.forgetShoppers(userIds),
    weights: DEFAULT_REWARD_WEIGHTS,
    windowMs: 86_400_000,
    logger: silentLogger(),
  });
  const loop = new CreativeLoop({
    enabled: true,
    settings: DEFAULT_BANDIT_SETTINGS,
    evidence,
    random: seededRandom(seed),
    promptVersion: 'template-v3',
    stickyMs: 0,
    stickyMaxEntries: 100,
    maxShoppers: 1000,
    sink: decisionLog ?? new MemoryDecisionSink(),
    onShown: (decision, userId) => feed.shown(decision, userId),
    logger: silentLogger(),
  });
  return { loop, feed, decisionLog };
}
type RewardFeedBus = ConstructorParameters<typeof RewardFeed>[0]['bus'];

/** Each angle's impressions and reward in the bucket, as one replica's posteriors hold them. */
function posteriorsOf(loop: CreativeLoop): string {
  return JSON.stringify(ANGLES.map((angle) => loop.posteriors.stats(BUCKET, angle)));
}

/** Each user's own counts in the bucket, as one replica holds them for the per-user level. */
function shoppersOf(loop: CreativeLoop, users: readonly string[]): string {
  return JSON.stringify(
    users.map((userId) =>
      [...(loop.shoppers.evidence(userId, BUCKET) ?? new Map())].sort(([a], [b]) =>
        a < b ? -1 : 1,
      ),
    ),
  );
}
const BUCKET = 'description|any|outdoor';

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
      const before = loop.posteriors.stats(BUCKET, decision.angle);
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
      assert.deepEqual(loop.posteriors.stats(BUCKET, decision.angle), {
        impressions: before.impressions,
        reward: before.reward + 1,
      });
      await feed.stop();
    } finally {
      await bus.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  describe('when two replicas share one bus, and a third starts later', () => {
    it('all hold the same posteriors, rebuilt from the logged choices and events', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'tailor-replicas-'));
      const bus = await createEmbeddedEventBus({ dataDir, logger: silentLogger() });
      try {
        await bus.ensureTopics([{ name: USER_EVENTS_TOPIC }]);
        const a = wired(bus, 1);
        const b = wired(bus, 2);
        await Promise.all([a.feed.start(), b.feed.start()]);
        const clicks: UserEvent[] = [];
        for (let user = 0; user < 40; user += 1) {
          // Users alternate between the replicas, as behind a load balancer.
          const replica = user % 2 === 0 ? a : b;
          const userId = `u-${user}`;
          const decision = replica.loop.choose({ ...SLOT, userId }, ANGLES);
          if (decision.angle === 'value')
            clicks.push({
              eventId: `click-${user}`,
              userId,
              itemId: SLOT.itemId,
              type: 'click',
              timestamp: decision.at,
              context: { creativeId: decision.creativeId },
            });
        }
        await Promise.all([a.decisionLog!.settled(), b.decisionLog!.settled()]);
        assert.ok(clicks.length > 0, 'some users were shown the value-led copy');
        await publishUserEvents(bus, clicks);
        const logged = 40 + clicks.length;
        await waitFor(() => a.feed.eventsRead === logged && b.feed.eventsRead === logged, {
          description: 'both replicas to read every choice and click',
        });
        const shared = posteriorsOf(a.loop);
        assert.equal(posteriorsOf(b.loop), shared);
        const users = Array.from({ length: 40 }, (_, user) => `u-${user}`);
        const ownShared = shoppersOf(a.loop, users);
        assert.equal(shoppersOf(b.loop, users), ownShared, 'each user’s own counts too');
        for (const click of clicks)
          for (const replica of [a, b])
            assert.deepEqual(replica.loop.shoppers.evidence(click.userId, BUCKET)?.get('value'), {
              impressions: 1,
              reward: DEFAULT_REWARD_WEIGHTS.click,
            });
        const value = a.loop.posteriors.stats(BUCKET, 'value');
        assert.equal(value.reward, clicks.length * DEFAULT_REWARD_WEIGHTS.click!);
        assert.equal(
          ANGLES.reduce((n, angle) => n + a.loop.posteriors.stats(BUCKET, angle).impressions, 0),
          40,
          'each choice counted once, by the replica that made it and the one that read it',
        );

        const c = wired(bus, 3);
        await c.feed.start();
        await waitFor(() => c.feed.eventsRead === logged, { description: 'the replay' });
        assert.equal(posteriorsOf(c.loop), shared, 'a fresh start rebuilds them from the log');
        assert.equal(shoppersOf(c.loop, users), ownShared, 'and each user’s own counts');
        assert.equal(
          c.feed.stats.byCreative(SLOT.itemId).reduce((n, s) => n + s.clicks, 0),
          clicks.length,
        );
        await Promise.all([a.feed.stop(), b.feed.stop(), c.feed.stop()]);
      } finally {
        await bus.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
  describe('when a user is forgotten', () => {
    /** A bus and a vault on a fresh data directory, and ann's and bob's sealed choices and clicks. */
    async function world(forgetSweepMs = 0) {
      const dataDir = mkdtempSync(join(tmpdir(), 'tailor-forget-'));
      const store = await createEmbeddedVectorStore({ dataDir, logger: silentLogger() });
      const vault = await createUserKeyVault({ store });
      const bus = await createEmbeddedEventBus({ dataDir, logger: silentLogger() });
      await bus.ensureTopics([{ name: USER_EVENTS_TOPIC }]);
      const replica = wired(bus, 4, { vault, forgetSweepMs });
      await replica.feed.start();
      const clicks: UserEvent[] = [];
      for (const userId of ['ann', 'bob']) {
        const decision = replica.loop.choose({ ...SLOT, userId }, ANGLES);
        clicks.push({
          eventId: `${userId}-clicks`,
          userId,
          itemId: SLOT.itemId,
          type: 'click',
          timestamp: decision.at,
          context: { creativeId: decision.creativeId },
        });
      }
      await replica.decisionLog!.settled();
      await publishUserEvents(bus, clicks, { vault });
      await waitFor(() => replica.feed.credited === 2, { description: 'both clicks credited' });
      const close = async () => {
        await replica.feed.stop();
        await bus.close();
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      };
      return { bus, vault, replica, close };
    }
    const held = (loop: CreativeLoop) => [...loop.shoppers.held()].sort();

    it('drops their own counts, and a fresh start does not rebuild them', async () => {
      const { bus, vault, replica, close } = await world();
      try {
        assert.deepEqual(held(replica.loop), ['ann', 'bob']);
        assert.equal(await vault.forget('ann'), true);
        await replica.feed.dropForgotten();
        assert.deepEqual(held(replica.loop), ['bob']);
        assert.equal(replica.loop.shoppers.evidence('ann', BUCKET), undefined);

        const restarted = wired(bus, 5, { vault });
        await restarted.feed.start();
        // Bob's choice and click open; ann's no longer do.
        await waitFor(() => restarted.feed.eventsRead === 2, { description: 'the replay' });
        assert.deepEqual(held(restarted.loop), ['bob']);
        await restarted.feed.stop();
      } finally {
        await close();
      }
    });

    it('drops them even when they came back with a new key before the check', async () => {
      const { vault, replica, close } = await world();
      try {
        // A check that finds both live, so their keys are known.
        await replica.feed.dropForgotten();
        assert.equal(await vault.forget('ann'), true);
        await vault.keysForWriting(['ann']);
        await replica.feed.dropForgotten();
        assert.deepEqual(held(replica.loop), ['bob']);
      } finally {
        await close();
      }
    });

    it('drops them at the next sweep, without a read of the stats', async () => {
      const { vault, replica, close } = await world(20);
      try {
        assert.equal(await vault.forget('bob'), true);
        await waitFor(() => held(replica.loop).join() === 'ann', {
          description: 'the sweep to drop bob',
        });
      } finally {
        await close();
      }
    });
  });
});
