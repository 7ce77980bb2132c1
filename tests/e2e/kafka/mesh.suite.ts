import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  HEADER_DLQ_ORIGIN,
  HEADER_DLQ_REASON,
  USER_EVENTS_DLQ_TOPIC,
  USER_EVENTS_TOPIC,
} from '@tailor/kit';
import { waitFor } from '@tailor/kit/testing';
import type { Admin, Producer } from 'kafkajs';

import {
  assertPersonalizedOn,
  eventCount,
  FORGET_USER,
  home,
  itemsOfCategory,
  RECORD_EVENTS,
  type RecordEventsData,
} from '../graph.js';
import { query, startTestMesh, type TestMesh } from '../harness.js';
import {
  brokers,
  contractEvent,
  header,
  kafkaTest,
  plainAdmin,
  plainProducer,
  produceEvents,
  produceRaw,
  readDeadLetters,
  readTopic,
  skipReason,
  unique,
} from './broker.js';

/** Kafka adds a group join and a fetch round trip to every hop the embedded bus makes at once. */
const KAFKA_WAIT = { timeoutMs: 60_000, intervalMs: 100 } as const;
const TEST_TIMEOUT_MS = 120_000;

/**
 * Done-when 1 and 2 of the production issue: the whole mesh with EVENT_BUS=kafka, driven through
 * the gateway and by a producer that is not Tailor code.
 */
export function describeMeshOnKafka(): void {
  describe('the mesh on Kafka', () => {
    let t: TestMesh | undefined;
    let url: string;
    let producer: Producer | undefined;
    let admin: Admin | undefined;

    before(async () => {
      if (skipReason !== undefined) return;
      t = await startTestMesh({ EVENT_BUS: 'kafka', KAFKA_BROKERS: brokers.join(',') });
      url = t.mesh.gatewayUrl;
      producer = await plainProducer('external-shop');
      admin = await plainAdmin('external-shop-admin');
    });
    after(async () => {
      await Promise.allSettled([producer?.disconnect(), admin?.disconnect()]);
      await t?.destroy();
    });

    describe('when a new user views and buys items of one category through the gateway', () => {
      it(
        'makes it the top category and recommends unseen items from it',
        kafkaTest(TEST_TIMEOUT_MS),
        async () => {
          const userId = unique('kafka-shopper');
          const category = 'kitchen';
          const seen = await itemsOfCategory(url, category, 6);
          assert.equal(seen.length, 6);
          const events = seen.map((itemId, i) => ({
            userId,
            itemId,
            type: i === 5 ? 'PURCHASE' : 'VIEW',
          }));
          const recorded = await query<RecordEventsData>(url, RECORD_EVENTS, { events });
          assert.equal(recorded.recordEvents.accepted, 6);

          await waitFor(async () => (await eventCount(url, userId)) === 6, {
            ...KAFKA_WAIT,
            description: 'the 6 events to reach the profile through Kafka',
          });
          await assertPersonalizedOn(url, userId, category, seen);
        },
      );
    });

    describe('when a plain kafkajs producer writes contract events to user-events', () => {
      it(
        "changes that user's profile and recommendations",
        kafkaTest(TEST_TIMEOUT_MS),
        async () => {
          const userId = unique('kafka-external');
          const category = 'garden';
          const before = await home(url, userId);
          assert.equal(before.user.profile.eventCount, 0);
          assert.equal(before.user.recommendations.strategy, 'TRENDING');

          const seen = await itemsOfCategory(url, category, 4);
          assert.equal(seen.length, 4);
          await produceEvents(
            producer!,
            seen.map((itemId, i) => contractEvent(userId, itemId, i === 3 ? 'purchase' : 'view')),
          );

          await waitFor(async () => (await eventCount(url, userId)) === 4, {
            ...KAFKA_WAIT,
            description: "the external producer's 4 events to reach the profile",
          });
          await assertPersonalizedOn(url, userId, category, seen);
        },
      );
    });

    describe('when that producer writes malformed messages', () => {
      it(
        'dead-letters each with its reason in headers and keeps consuming',
        kafkaTest(TEST_TIMEOUT_MS),
        async () => {
          const userId = unique('kafka-malformed');
          const [itemId] = await itemsOfCategory(url, 'books', 1);
          assert.ok(itemId !== undefined);
          const notJson = `{"eventId":"${randomUUID()}","userId":"${userId}","type":"vi`;
          const breaksContract = JSON.stringify({
            ...contractEvent(userId, itemId),
            type: 'teleport',
          });
          await produceRaw(producer!, [
            { key: userId, value: notJson },
            { key: userId, value: breaksContract },
          ]);
          // Same key, so the same partition, after the bad ones: applied only if the consumer
          // went past them, and by then they are on the DLQ.
          await produceEvents(producer!, [contractEvent(userId, itemId)]);
          await waitFor(async () => (await eventCount(url, userId)) === 1, {
            ...KAFKA_WAIT,
            description: 'the valid event after the malformed ones to be applied',
          });

          const dead = (await readDeadLetters(admin!)).filter((m) => m.key?.toString() === userId);
          assert.deepEqual(
            dead.map((m) => m.value?.toString()),
            [notJson, breaksContract],
            'each malformed message is on the DLQ once, as it was sent',
          );
          const [deadJson, deadContract] = dead;
          assert.match(header(deadJson!, HEADER_DLQ_REASON) ?? '', /not JSON/);
          assert.match(header(deadContract!, HEADER_DLQ_REASON) ?? '', /^type: /);
          for (const m of dead) {
            assert.match(header(m, HEADER_DLQ_ORIGIN) ?? '', /^user-events\/\d+\/\d+$/);
          }
        },
      );
    });

    describe('when a user who acted through the gateway is forgotten', () => {
      it(
        'leaves no plaintext of their id or events in the topic or its DLQ',
        kafkaTest(TEST_TIMEOUT_MS),
        async () => {
          const userId = unique('kafka-forget');
          const eventIds = [1, 2].map((i) => `${userId}-event-${i}`);
          const [itemId] = await itemsOfCategory(url, 'books', 1);
          const recorded = await query<RecordEventsData>(url, RECORD_EVENTS, {
            events: eventIds.map((eventId) => ({ eventId, userId, itemId, type: 'LIKE' })),
          });
          assert.equal(recorded.recordEvents.accepted, 2);
          await waitFor(async () => (await eventCount(url, userId)) === 2, {
            ...KAFKA_WAIT,
            description: 'the 2 events to reach the profile through Kafka',
          });
          await query(url, FORGET_USER, { userId });

          for (const topic of [USER_EVENTS_TOPIC, USER_EVENTS_DLQ_TOPIC]) {
            const dump = (await readTopic(admin!, topic))
              .map((m) =>
                [
                  m.key?.toString('latin1'),
                  m.value?.toString('latin1'),
                  ...Object.values(m.headers ?? {}).map((h) => h?.toString()),
                ].join(' '),
              )
              .join('\n');
            for (const secret of [userId, ...eventIds]) {
              assert.ok(!dump.includes(secret), `${secret} is in the clear on ${topic}`);
            }
          }
          assert.equal(await eventCount(url, userId), 0);
        },
      );
    });
  });
}
