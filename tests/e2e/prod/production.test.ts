import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { type ProfilePayload, PROFILES_COLLECTION } from '@tailor/kit';
import { waitFor } from '@tailor/kit/testing';
import { PROCESS_START_ORDER } from '@tailor/mesh';
import type { KafkaMessage } from 'kafkajs';

import {
  assertPersonalizedOn,
  eventCount,
  eventCounts,
  FORGET_USER,
  home,
  type HomeData,
  itemsOfCategory,
  RECORD_EVENTS,
  type RecordEventsData,
} from '../graph.js';
import { everyFileUnder, query } from '../harness.js';
import {
  committedOffsets,
  committedUpTo,
  type ContractEvent,
  contractEvent,
  produceEvents,
  readTopic,
  topicEnds,
  unique,
} from '../kafka/broker.js';
import { frozenState, killMidStream, RESTART_WAIT } from '../kafka/kill-mid-stream.js';
import {
  type ProductionMesh,
  skipReason,
  startProductionMesh,
  stopServers,
} from './production-mesh.js';

/** Each hop is a Kafka round trip between processes; CI's machine is small and shared. */
const KAFKA_WAIT = { timeoutMs: 60_000, intervalMs: 100 } as const;
const TEST_TIMEOUT_MS = 120_000;
/** The SIGKILL stream: as many users as one aliased count query may ask for. */
const USERS = 10;
const EVENTS = 1_000;
const CHUNK = 50;

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

/** Every key, value and header of the messages, as an operator's dump shows them. */
function dumpOf(messages: readonly KafkaMessage[]): string {
  return messages
    .map((m) =>
      [
        m.key?.toString('latin1'),
        m.value?.toString('latin1'),
        ...Object.values(m.headers ?? {}).map((h) => h?.toString()),
      ].join(' '),
    )
    .join('\n');
}

/** Every point (ids, payloads, vectors) of every collection of this run, as Qdrant returns it. */
async function qdrantDump(t: ProductionMesh): Promise<string> {
  const parts: string[] = [];
  for (const name of await t.collections()) {
    let offset: unknown = null;
    do {
      const response = await fetch(
        `${t.qdrantUrl}/collections/${encodeURIComponent(name)}/points/scroll`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ limit: 256, offset, with_payload: true, with_vector: false }),
        },
      );
      const text = await response.text();
      assert.equal(response.status, 200, text);
      parts.push(text);
      offset = (JSON.parse(text) as { result: { next_page_offset: unknown } }).result
        .next_page_offset;
    } while (offset !== null && offset !== undefined);
  }
  return parts.join('\n');
}

const ITEM_COUNT = '{ items(first: 1) { totalCount } }';
const ITEM_IDS = '{ items(first: 50, inStockOnly: true) { nodes { id } } }';

async function itemCount(url: string, headers: Record<string, string>): Promise<number> {
  return (await query<{ items: { totalCount: number } }>(url, ITEM_COUNT, {}, headers)).items
    .totalCount;
}

async function itemIds(url: string, headers: Record<string, string>): Promise<string[]> {
  const data = await query<{ items: { nodes: { id: string }[] } }>(url, ITEM_IDS, {}, headers);
  return data.items.nodes.map((n) => n.id);
}

describe('the production mode: each service its own process, on Kafka and Qdrant, JWT on', () => {
  let t: ProductionMesh | undefined;
  /** The forgotten user, for the restart journey to check that nothing came back. */
  let forgotten: { userId: string; token: Record<string, string> } | undefined;

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

  describe('when a user who acted through the gateway is forgotten', () => {
    it(
      'leaves nothing of their id or events in the topics, the collections or the files, and starts afresh',
      options,
      async () => {
        const { url } = t!;
        const userId = unique('prod-forget');
        const token = await t!.as(userId);
        const eventIds = [1, 2, 3].map((i) => `${userId}-event-${i}`);
        const [itemId] = await itemsOfCategory(url, 'books', 1, token);
        const recorded = await query<RecordEventsData>(
          url,
          RECORD_EVENTS,
          { events: eventIds.map((eventId) => ({ eventId, userId, itemId, type: 'LIKE' })) },
          token,
        );
        assert.equal(recorded.recordEvents.accepted, 3);
        await waitFor(async () => (await eventCount(url, userId, token)) === 3, {
          ...KAFKA_WAIT,
          description: 'the 3 events to reach the profile',
        });
        // Before forgetting, Qdrant holds the id: the checks below can find it.
        assert.ok((await qdrantDump(t!)).includes(userId));

        const forgot = await query<{ forgetUser: { forgotten: boolean } }>(
          url,
          FORGET_USER,
          { userId },
          token,
        );
        assert.equal(forgot.forgetUser.forgotten, true);
        const where: [string, string][] = [
          ['the Qdrant collections', await qdrantDump(t!)],
          ['the files under DATA_DIR', everyFileUnder(t!.dataDir)],
        ];
        // The forget notice itself names the user by their pseudonym only.
        for (const topic of [t!.topics.events, t!.topics.deadLetters, t!.topics.forgotten]) {
          where.push([topic, dumpOf(await readTopic(t!.admin, topic))]);
        }
        for (const [place, dump] of where) {
          for (const secret of [userId, ...eventIds]) {
            assert.ok(!dump.includes(secret), `${secret} is in the clear in ${place}`);
          }
        }
        // Only now: the Home query publishes impressions, the first events of a fresh history.
        const after = await home(url, userId, token);
        assert.equal(after.user.profile.eventCount, 0);
        assert.equal(after.user.recommendations.strategy, 'TRENDING');
        forgotten = { userId, token };

        await query<RecordEventsData>(
          url,
          RECORD_EVENTS,
          { events: [{ userId, itemId, type: 'VIEW' }] },
          token,
        );
        await waitFor(async () => (await eventCount(url, userId, token)) === 1, {
          ...KAFKA_WAIT,
          description: 'the next event to start a fresh profile',
        });
      },
    );
  });

  describe('when each process is restarted in turn', () => {
    it(
      'keeps items, profiles and thumbnails, and applies every event once across the restarts',
      // Seven stops and starts, each waiting on Kafka: the longest journey on a loaded machine.
      skipReason === undefined ? { timeout: 240_000 } : options,
      async () => {
        const { url, mesh } = t!;
        const userId = unique('prod-returning');
        const token = await t!.as(userId);
        const items = await itemCount(url, token);
        const garden = await itemsOfCategory(url, 'garden', 4, token);
        const recorded = await query<RecordEventsData>(
          url,
          RECORD_EVENTS,
          { events: garden.map((itemId) => ({ userId, itemId, type: 'LIKE' })) },
          token,
        );
        assert.equal(recorded.recordEvents.accepted, 4);
        await waitFor(async () => (await eventCount(url, userId, token)) === 4, {
          ...KAFKA_WAIT,
          description: 'the first 4 events to be applied',
        });
        const thumbnail = ((await home(url, userId, token)) as HomeData & HomeCopy).user
          .recommendations.items[0]!.thumbnail.url;

        let expected = 4;
        for (const name of PROCESS_START_ORDER) {
          const exit = await mesh.restart(name);
          assert.deepEqual(exit, { code: 0, signal: null }, `${name} stopped uncleanly`);
          // One more event after each restart: the whole path works again, and counts it once.
          const [itemId] = await itemsOfCategory(url, 'garden', 1, token);
          await query<RecordEventsData>(
            url,
            RECORD_EVENTS,
            { events: [{ userId, itemId, type: 'VIEW' }] },
            token,
          );
          expected += 1;
          await waitFor(async () => (await eventCount(url, userId, token)) === expected, {
            ...KAFKA_WAIT,
            description: `the event sent after restarting ${name} to be applied, once`,
          });
        }

        assert.equal(await itemCount(url, token), items);
        const data = await home(url, userId, token);
        assert.equal(data.user.profile.eventCount, expected);
        assert.equal(data.user.profile.topCategories[0]?.name, 'garden');
        assert.equal(data.user.recommendations.strategy, 'PERSONALIZED');
        const png = await fetch(thumbnail);
        assert.equal(png.status, 200);
        await png.arrayBuffer();
        if (forgotten !== undefined) {
          // Every consumer started again from its commits: nothing of the forgotten history returned.
          assert.equal(await eventCount(url, forgotten.userId, forgotten.token), 1);
        }
      },
    );
  });

  describe('when the profiles process is killed with SIGKILL in the middle of a stream', () => {
    it(
      'counts exactly the events sent for each user once it is started again',
      { ...options, timeout: 240_000 },
      async (c) => {
        const { url, mesh, admin, producer, store, topics, profilesGroup } = t!;
        const service = await t!.as('prod-e2e-shop', 'service');
        const items = await itemIds(url, service);
        const users = Array.from({ length: USERS }, (_, i) => unique(`prod-sigkill-${i}`));
        const events: ContractEvent[] = Array.from({ length: EVENTS }, (_, i) =>
          contractEvent(users[i % USERS]!, items[i % items.length]!, i % 7 === 0 ? 'like' : 'view'),
        );
        const chunks = Array.from({ length: EVENTS / CHUNK }, (_, i) =>
          events.slice(i * CHUNK, (i + 1) * CHUNK),
        );
        const profiles = mesh.process('profiles');
        // The profiles live in Qdrant, outside the process: read while it is frozen.
        const stored = () => store.retrieve(PROFILES_COLLECTION, users);
        const killed = await killMidStream({
          profiles,
          chunks,
          produce: (chunk) => produceEvents(producer, chunk, topics.events),
          inspect: async () =>
            frozenState(
              await stored(),
              await committedOffsets(admin, profilesGroup, topics.events),
            ),
          countedSome: async () =>
            (await stored()).some((p) => (p.payload as unknown as ProfilePayload).eventCount > 0),
        });
        assert.equal((await profiles.exited).signal, 'SIGKILL', profiles.tail());
        c.diagnostic(
          `killed with ${killed.sent} sent and ${killed.frozen.counted} counted, its store ahead ` +
            `of the group on partitions [${killed.frozen.ahead.join(', ')}]`,
        );
        assert.ok(
          killed.frozen.counted > 0 && killed.frozen.counted < EVENTS,
          `counted ${killed.frozen.counted} at kill:\n${profiles.tail()}`,
        );

        const ends = await topicEnds(admin, topics.events);
        await mesh.start('profiles');
        await waitFor(() => committedUpTo(admin, profilesGroup, ends, topics.events), {
          ...RESTART_WAIT,
          description: 'the restarted profiles process to commit the whole stream',
        });
        assert.deepEqual(
          await eventCounts(url, users, service),
          users.map(() => EVENTS / USERS),
        );
      },
    );
  });
});
