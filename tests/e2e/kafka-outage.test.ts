// The mesh on a real Kafka broker of its own that is SIGKILLed under traffic and started again on
// the same log: ingest refuses with a retryable code while the broker is gone (never a 5xx that
// claims nothing, never a silent loss), Home keeps answering from the profiles it has, and once
// the broker is back every event a client sent (retried with its own eventId, as the contract
// asks) is applied exactly once.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { waitFor } from '@tailor/kit/testing';

import { eventCount, HOME, type HomeData, RECORD_EVENTS, type RecordEventsData } from './graph.js';
import { graphql, startTestMesh, type TestMesh } from './harness.js';
import { KillableBroker, killableBrokerSkip } from './kafka/killable-broker.js';

/**
 * A publish waits this long for the dead broker before the producer is told to retry: with the
 * bus breaker opening after three such failures, the outage below sees both kinds of refusal
 * (waited out, and refused at once by the open breaker), both SERVICE_UNAVAILABLE. The publish
 * may still land after the answer, which the same eventId on the retry makes harmless.
 */
const PUBLISH_TIMEOUT_MS = 1_000;
/** How long the broker stays dead: longer than one produce attempt, short enough for CI. */
const OUTAGE_MS = 8_000;

describe(
  'the mesh when the Kafka broker dies under traffic',
  {
    skip: killableBrokerSkip,
    timeout: 300_000,
  },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'tailor-kafka-outage-'));
    let broker: KillableBroker;
    let mesh: TestMesh;
    let url: string;
    const userId = `kafka-outage-${randomUUID()}`;
    const items = ['garden-001', 'garden-002', 'garden-003', 'garden-004', 'garden-005'];
    let sent = 0;

    /** Sends one view with an eventId of its own; the answer's code when it is refused. */
    const record = async (eventId: string, itemId: string): Promise<'accepted' | string> => {
      const answer = await graphql<RecordEventsData>(url, RECORD_EVENTS, {
        events: [{ userId, itemId, type: 'VIEW', eventId }],
      });
      if (answer.data?.recordEvents?.eventIds.includes(eventId) === true) return 'accepted';
      const error = answer.errors?.[0];
      assert.ok(error !== undefined, `neither accepted nor refused: ${JSON.stringify(answer)}`);
      assert.doesNotMatch(error.message, /127\.0\.0\.1|:\d{4,5}\b|kafka/i, 'no internal address');
      return String(error.extensions?.['code']);
    };
    const nextEvent = () => {
      sent += 1;
      return { eventId: `${userId}-${sent}`, itemId: items[sent % items.length]! };
    };

    before(async () => {
      broker = await KillableBroker.create(dir);
      await broker.start();
      mesh = await startTestMesh({
        EVENT_BUS: 'kafka',
        KAFKA_BROKERS: broker.address,
        KAFKA_PUBLISH_TIMEOUT_MS: String(PUBLISH_TIMEOUT_MS),
      });
      url = mesh.mesh.gatewayUrl;
    });

    after(async () => {
      await mesh?.destroy();
      await broker?.kill();
      rmSync(dir, { recursive: true, force: true });
    });

    it('is personalized while the broker is up', async () => {
      for (let i = 0; i < 4; i += 1) {
        const { eventId, itemId } = nextEvent();
        assert.equal(await record(eventId, itemId), 'accepted');
      }
      await waitFor(async () => (await eventCount(url, userId).catch(() => 0)) === 4, {
        timeoutMs: 60_000,
        description: 'the first events applied',
      });
      const answer = await graphql<HomeData>(url, HOME, { userId });
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      assert.equal(answer.data!.user.recommendations.strategy, 'PERSONALIZED');
    });

    /** Events the mesh refused while the broker was down, to be sent again once it is back. */
    const refused: { eventId: string; itemId: string }[] = [];

    it('refuses events with SERVICE_UNAVAILABLE and keeps answering Home while it is down', async () => {
      await broker.kill();
      const until = Date.now() + OUTAGE_MS;
      const codes: string[] = [];
      let homes = 0;
      while (Date.now() < until) {
        const event = nextEvent();
        const [outcome, answer] = await Promise.all([
          record(event.eventId, event.itemId),
          graphql<HomeData>(url, HOME, { userId }),
        ]);
        if (outcome !== 'accepted') {
          codes.push(outcome);
          refused.push(event);
        }
        assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
        assert.ok(answer.data!.user.recommendations.items.length > 0, 'Home still has picks');
        homes += 1;
      }
      assert.ok(homes > 0);
      assert.ok(codes.length > 0, 'with the broker dead some event must have been refused');
      // Never DEADLINE_EXCEEDED: the publish gives up before the gateway's deadline does.
      assert.deepEqual(new Set(codes), new Set(['SERVICE_UNAVAILABLE']));
    });

    it('applies every event exactly once after the broker is back and clients retry', async () => {
      await broker.start();
      // A client retries each refused event with the same eventId until it is taken.
      for (const event of refused) {
        await waitFor(async () => (await record(event.eventId, event.itemId)) === 'accepted', {
          timeoutMs: 60_000,
          intervalMs: 500,
          description: `${event.eventId} to be accepted again`,
        });
      }
      // And one event it had sent before, again (an answer it never read): not counted twice.
      assert.equal(await record(`${userId}-1`, items[1]!), 'accepted');
      await waitFor(async () => (await eventCount(url, userId).catch(() => 0)) >= sent, {
        timeoutMs: 90_000,
        description: 'every event sent applied',
      });
      // A last event behind the duplicate on the user's partition: once it counts, the duplicate
      // has been read too, so the count below is final.
      const last = nextEvent();
      assert.equal(await record(last.eventId, last.itemId), 'accepted');
      await waitFor(async () => (await eventCount(url, userId).catch(() => 0)) >= sent, {
        timeoutMs: 60_000,
        description: 'the last event applied',
      });
      assert.equal(await eventCount(url, userId), sent, 'each eventId counted once');
    });
  },
);
