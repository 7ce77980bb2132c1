import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { waitFor } from '@tailor/kit/testing';

import {
  assertPersonalizedOn,
  eventCount,
  home,
  type HomeData,
  itemsOfCategory,
  RECORD_EVENTS,
  type RecordEventsData,
} from '../graph.js';
import { query } from '../harness.js';
import { unique } from '../kafka/broker.js';
import {
  type ProductionMesh,
  skipReason,
  startProductionMesh,
  stopServers,
} from './production-mesh.js';

/** Each hop is a Kafka round trip between processes; CI's machine is small and shared. */
const KAFKA_WAIT = { timeoutMs: 60_000, intervalMs: 100 } as const;
const TEST_TIMEOUT_MS = 120_000;

/** Skipped with the reason, test by test, so the run's summary counts them. */
const options = skipReason === undefined ? { timeout: TEST_TIMEOUT_MS } : { skip: skipReason };

/** The copy and thumbnail fields of Home, beside what {@link HomeData} types. */
interface HomeCopy {
  user: {
    recommendations: {
      items: {
        description: { text: string; provider: string; grounded: boolean };
        ad: { headline: string; body: string; callToAction: string };
        thumbnail: { url: string; width: number; height: number };
      }[];
    };
  };
}

describe('the production mode: each service its own process, on Kafka and Qdrant, JWT on', () => {
  let t: ProductionMesh | undefined;

  before(async () => {
    if (skipReason === undefined) t = await startProductionMesh();
  });
  after(async () => {
    await t?.destroy();
    await stopServers();
  });

  describe('when a new user acts through the gateway with their own token', () => {
    it(
      'moves their Home from trending to that category, with copy and a thumbnail for each pick',
      options,
      async () => {
        const { url } = t!;
        const userId = unique('prod-shopper');
        const token = await t!.as(userId);
        const before = await home(url, userId, token);
        assert.equal(before.user.profile.eventCount, 0);
        assert.equal(before.user.recommendations.strategy, 'TRENDING');

        const category = 'kitchen';
        const seen = await itemsOfCategory(url, category, 6, token);
        assert.equal(seen.length, 6);
        const events = seen.map((itemId, i) => ({
          userId,
          itemId,
          type: i === 5 ? 'PURCHASE' : 'VIEW',
        }));
        const recorded = await query<RecordEventsData>(url, RECORD_EVENTS, { events }, token);
        assert.equal(recorded.recordEvents.accepted, 6);
        await waitFor(async () => (await eventCount(url, userId, token)) === 6, {
          ...KAFKA_WAIT,
          description: 'the 6 events to reach the profiles process through Kafka',
        });

        const data = (await assertPersonalizedOn(url, userId, category, seen, token)) as HomeData &
          HomeCopy;
        for (const rec of data.user.recommendations.items) {
          assert.ok(rec.description.text.length > 0 && rec.description.grounded);
          assert.ok(rec.ad.headline.length > 0 && rec.ad.callToAction.length > 0);
        }
        // Thumbnails come through the gateway, drawn by the generation process.
        const thumbnail = data.user.recommendations.items[0]!.thumbnail;
        assert.ok(thumbnail.url.startsWith(t!.mesh.origins.gateway), thumbnail.url);
        const png = await fetch(thumbnail.url);
        assert.equal(png.status, 200);
        assert.equal(png.headers.get('content-type'), 'image/png');
        await png.arrayBuffer();
      },
    );
  });

  describe('when that user then turns to another category', () => {
    it('moves the recommendations with the events', options, async () => {
      const { url } = t!;
      const userId = unique('prod-mover');
      const token = await t!.as(userId);
      const record = async (category: string, count: number) => {
        const ids = await itemsOfCategory(url, category, count, token);
        const events = ids.map((itemId, i) => ({
          userId,
          itemId,
          type: i % 3 === 2 ? 'PURCHASE' : 'LIKE',
        }));
        await query<RecordEventsData>(url, RECORD_EVENTS, { events }, token);
        return ids;
      };
      const garden = await record('garden', 4);
      await waitFor(async () => (await eventCount(url, userId, token)) === 4, {
        ...KAFKA_WAIT,
        description: 'the garden events to be applied',
      });
      await assertPersonalizedOn(url, userId, 'garden', garden, token);

      const books = await record('books', 12);
      await waitFor(async () => (await eventCount(url, userId, token)) === 16, {
        ...KAFKA_WAIT,
        description: 'the books events to be applied',
      });
      await assertPersonalizedOn(url, userId, 'books', [...garden, ...books], token);
    });
  });
});
