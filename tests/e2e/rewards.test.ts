import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { waitFor } from '@tailor/kit/testing';

import { RECORD_EVENTS, type RecordEventsData } from './graph.js';
import {
  type Adapters,
  productionAdapters,
  query,
  startTestMesh,
  type TestMesh,
} from './harness.js';

const USER = 'demo-alice';

const DESCRIPTION = `query($itemId: ID!, $userId: ID!) {
  item(id: $itemId) { personalizedDescription(userId: $userId) { creativeId angle } }
}`;

interface DescriptionData {
  item: { personalizedDescription: { creativeId: string; angle: string } };
}

const STATS = `query($itemId: ID!) {
  creativeStats(itemId: $itemId) { creativeId angle impressions clicks }
}`;

interface StatsData {
  creativeStats: { creativeId: string; angle: string; impressions: number; clicks: number }[];
}

/** Waits on the log; Kafka round trips take longer on a loaded machine. */
const WAIT_MS = 60_000;
const TEST_TIMEOUT_MS = 240_000;

function describeRewards(label: string, adapters: Adapters): void {
  describe(`the bandit rewarded by events, through the gateway (${label})`, () => {
    const options = 'skip' in adapters ? { skip: adapters.skip } : { timeout: TEST_TIMEOUT_MS };
    let t: TestMesh;
    let url: string;

    before(async () => {
      if ('skip' in adapters) return;
      t = await startTestMesh({
        ...adapters.env,
        // A fresh choice on every request, so each one is a trial the clicks can move.
        GENERATION_VARIANT_STICKY_MS: '0',
        GENERATION_BANDIT_SEED: '16',
      });
      url = t.mesh.gatewayUrl;
      await waitFor(
        async () => {
          const data = await query<{ user: { profile: { eventCount: number } } }>(
            url,
            'query($id: ID!) { user(id: $id) { profile { eventCount } } }',
            { id: USER },
          );
          return data.user.profile.eventCount > 0;
        },
        { description: `${USER}'s history to be applied`, timeoutMs: WAIT_MS },
      );
    });
    after(async () => {
      await t?.destroy();
    });

    it(
      'shows the variant a user keeps clicking more and more often, and counts it',
      options,
      async () => {
        const items = await query<{ items: { nodes: { id: string }[] } }>(
          url,
          '{ items(category: "outdoor", first: 1, inStockOnly: true) { nodes { id } } }',
        );
        const itemId = items.items.nodes[0]?.id;
        assert.ok(itemId !== undefined, 'the demo catalog has an outdoor item');
        const showOnce = async (): Promise<DescriptionData['item']['personalizedDescription']> =>
          (await query<DescriptionData>(url, DESCRIPTION, { itemId, userId: USER })).item
            .personalizedDescription;
        // A priced item always offers the value angle beside the interest one.
        const angles: string[] = [];
        for (let round = 0; round < 160; round += 1) {
          const shown = await showOnce();
          angles.push(shown.angle);
          if (shown.angle !== 'VALUE') continue;
          const recorded: RecordEventsData = await query<RecordEventsData>(url, RECORD_EVENTS, {
            events: [
              {
                eventId: randomUUID(),
                userId: USER,
                itemId,
                type: 'CLICK',
                context: { creativeId: shown.creativeId },
              },
            ],
          });
          assert.deepEqual(recorded.recordEvents.errors, []);
        }
        const offered = new Set(angles);
        assert.ok(offered.has('VALUE') && offered.size >= 2, [...offered].join());
        const share = (from: number, to: number) =>
          angles.slice(from, to).filter((a) => a === 'VALUE').length / (to - from);
        // Uniform over two or more angles would show VALUE half the time at most.
        assert.ok(share(110, 160) > 0.75, `VALUE's share at the end: ${share(110, 160)}`);
        assert.ok(share(110, 160) > share(0, 20), `${share(0, 20)} at first`);

        // Every VALUE showing was clicked once: its creative's counts reach that, from the log.
        const valueShown = angles.filter((a) => a === 'VALUE').length;
        const value = await waitFor(
          async () => {
            const stats = await query<StatsData>(url, STATS, { itemId });
            const row = stats.creativeStats.find((s) => s.angle === 'VALUE');
            return row !== undefined && row.clicks >= valueShown ? row : undefined;
          },
          { description: `${valueShown} clicks on the VALUE creative counted`, timeoutMs: WAIT_MS },
        );
        assert.equal(value.clicks, valueShown, 'each click counted once');
        assert.ok(value.impressions >= valueShown, `${value.impressions} impressions`);
      },
    );
  });
}

describeRewards('embedded', { env: {} });

// The same on the production adapters, on topics and collections of this run's own.
const run = `rwd${randomUUID().slice(0, 8)}_`;
const production = await productionAdapters(run);
describeRewards('Kafka and Qdrant', production.adapters);

after(() => production.stop());
