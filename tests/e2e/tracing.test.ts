import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { SpanKind, TRACEPARENT_HEADER, USER_EVENTS_TOPIC } from '@tailor/kit';
import {
  parentIdOf,
  type ReadableSpan,
  type RecordedSpans,
  recordSpans,
  waitFor,
} from '@tailor/kit/testing';
import type { Admin } from 'kafkajs';

import {
  eventCount,
  HOME,
  type HomeData,
  itemsOfCategory,
  RECORD_EVENTS,
  type RecordEventsData,
} from './graph.js';
import { query, startTestMesh, type TestMesh } from './harness.js';
import {
  brokers,
  header,
  kafkaTest,
  plainAdmin,
  readTopic,
  skipReason,
  stopBroker,
} from './kafka/broker.js';
import { traced } from './traces.js';

/** The chain from `span` up to its trace's root, `span` first. */
function ancestry(span: ReadableSpan, byId: ReadonlyMap<string, ReadableSpan>): ReadableSpan[] {
  const chain = [span];
  for (let parent = parentIdOf(span); parent !== undefined;) {
    const next = byId.get(parent);
    assert.ok(next !== undefined, `parent ${parent} of ${chain.at(-1)?.name} was not recorded`);
    chain.push(next);
    parent = parentIdOf(next);
  }
  return chain;
}

/**
 * True once every recorded span of the trace has its parent recorded too: work a request left
 * running (the recommender publishing impressions) ends after the answer, and its spans with it.
 */
function complete(spans: readonly ReadableSpan[], traceId: string): boolean {
  const ofTrace = spans.filter((s) => s.spanContext().traceId === traceId);
  const ids = new Set(ofTrace.map((s) => s.spanContext().spanId));
  return ofTrace.every((s) => parentIdOf(s) === undefined || ids.has(parentIdOf(s) ?? ''));
}

/** Every span of one trace, checked to form one tree under the test's own client span. */
function treeOf(spans: readonly ReadableSpan[], traceId: string, rootName: string) {
  const ofTrace = spans.filter((s) => s.spanContext().traceId === traceId);
  const byId = new Map(ofTrace.map((s) => [s.spanContext().spanId, s]));
  const roots = ofTrace.filter((s) => parentIdOf(s) === undefined);
  assert.deepEqual(
    roots.map((s) => s.name),
    [rootName],
  );
  for (const span of ofTrace) ancestry(span, byId);
  return { spans: ofTrace, byId };
}

/** The services a Home query reaches (the catalog and generation resolve the items' fields). */
const SERVICES_OF_HOME = ['gateway', 'profiles', 'recommender', 'catalog', 'generation'];

/** Kafka adds a group join and a fetch round trip to every hop the embedded bus makes at once. */
const KAFKA_WAIT = { timeoutMs: 60_000, intervalMs: 100 } as const;

// Once per process, before any mesh: Apollo Gateway keeps the tracer it first meets.
let recorded: RecordedSpans;
before(() => {
  recorded = recordSpans('tailor');
});
after(async () => {
  await recorded.stop();
  await stopBroker();
});

/**
 * Records one VIEW through the gateway inside a client span of the test's, waits until the
 * profile has applied it, and checks the trace from the client down to the profile write:
 * gateway → events subgraph → publish → the profiles consumer → `upsert profiles`.
 */
async function recordAndFollow(
  url: string,
  wait: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<string> {
  const userId = `traced-${randomUUID()}`;
  const [itemId] = await itemsOfCategory(url, 'kitchen', 1);
  assert.ok(itemId !== undefined);
  const { traceId, result } = await traced('record a view', (headers) =>
    query<RecordEventsData>(
      url,
      RECORD_EVENTS,
      { events: [{ userId, itemId, type: 'VIEW' }] },
      headers,
    ),
  );
  assert.equal(result.recordEvents.accepted, 1);
  await waitFor(async () => (await eventCount(url, userId)) === 1, {
    ...wait,
    description: 'the event applied to the profile',
  });

  const isProfileWrite = (s: ReadableSpan) =>
    s.spanContext().traceId === traceId &&
    s.name === 'upsert profiles' &&
    s.kind === SpanKind.CLIENT;
  const spans = await recorded.spansWhen(
    (ended) => ended.some(isProfileWrite) && complete(ended, traceId),
    'the profile write in the mutation’s trace',
  );
  const { byId } = treeOf(spans, traceId, 'record a view');
  const write = spans.find(isProfileWrite);
  assert.ok(write !== undefined);
  assert.equal(write.attributes['db.collection.name'], 'profiles');
  assert.equal(write.attributes['db.operation.name'], 'upsert');

  // From the store write up: consumer → producer → events subgraph → gateway → client.
  const chain = ancestry(write, byId);
  const at = (match: (s: ReadableSpan) => boolean, what: string) => {
    const index = chain.findIndex(match);
    assert.ok(index >= 0, `${what} in ${chain.map((s) => s.name).join(' < ')}`);
    return index;
  };
  const consumer = at(
    (s) =>
      s.kind === SpanKind.CONSUMER &&
      s.name.startsWith('process ') &&
      String(s.attributes['messaging.consumer.group.name']).endsWith('profiles'),
    'the profiles consumer',
  );
  const producer = at(
    (s) => s.kind === SpanKind.PRODUCER && s.name.startsWith('send '),
    'the publish',
  );
  const events = at(
    (s) => s.kind === SpanKind.SERVER && s.attributes['tailor.service'] === 'events',
    'the events subgraph',
  );
  const gateway = at(
    (s) => s.kind === SpanKind.SERVER && s.attributes['tailor.service'] === 'gateway',
    'the gateway',
  );
  assert.equal(consumer, 1, 'the write is the consumer span’s child');
  assert.equal(producer, consumer + 1, 'the consumer span is the publish span’s child');
  assert.ok(events > producer && gateway > events && gateway === chain.length - 2);
  assert.equal(chain[events]?.name, 'POST /graphql');
  assert.match(String(chain[producer]?.attributes['messaging.destination.name']), /user-events$/);
  return traceId;
}

describe('tracing through the embedded mesh', () => {
  let t: TestMesh;
  let url: string;

  before(async () => {
    t = await startTestMesh({ MESH_SEED_DEMO_USERS: 'false' });
    url = t.mesh.gatewayUrl;
  });
  after(async () => {
    await t.destroy();
  });

  describe('when a client records an event through the gateway', () => {
    it('follows one trace from the mutation to the profiles consumer and its store write', async () => {
      await recordAndFollow(url);
    });
  });

  describe('when a client asks for the home page', () => {
    it('shows every subgraph call and store read as one tree under the gateway', async () => {
      const userId = `home-${randomUUID()}`;
      const { traceId, result } = await traced('open home', (headers) =>
        query<HomeData>(url, HOME, { userId }, headers),
      );
      assert.equal(result.user.recommendations.items.length, 5);

      const serverOf = (service: string) => (s: ReadableSpan) =>
        s.spanContext().traceId === traceId &&
        s.kind === SpanKind.SERVER &&
        s.attributes['tailor.service'] === service;
      const spans = await recorded.spansWhen(
        (ended) =>
          SERVICES_OF_HOME.every((service) => ended.some(serverOf(service))) &&
          complete(ended, traceId),
        'the home page’s server spans',
      );
      const { spans: tree, byId } = treeOf(spans, traceId, 'open home');
      const gateway = tree.find(serverOf('gateway'));
      assert.ok(gateway !== undefined);
      assert.equal(
        parentIdOf(gateway),
        tree.find((s) => s.name === 'open home')?.spanContext().spanId,
      );
      for (const service of SERVICES_OF_HOME.filter((s) => s !== 'gateway')) {
        const subgraph = tree.find(serverOf(service));
        assert.ok(subgraph !== undefined);
        assert.equal(subgraph.name, 'POST /graphql');
        assert.ok(
          ancestry(subgraph, byId).includes(gateway),
          `${service}'s server span is under the gateway's`,
        );
      }
      const recommender = tree.find(serverOf('recommender'));
      assert.ok(recommender !== undefined);
      const reads = tree.filter(
        (s) => s.kind === SpanKind.CLIENT && s.attributes['db.collection.name'] === 'items',
      );
      assert.ok(
        reads.some((s) => ancestry(s, byId).includes(recommender)),
        `the recommender's reads of items are under its span: ${tree.map((s) => s.name).join(', ')}`,
      );
    });
  });
});

describe('tracing through the mesh on Kafka', () => {
  let t: TestMesh | undefined;
  let admin: Admin | undefined;
  // Topics and groups of their own: other Kafka suites may be running on the same broker.
  const prefix = `tracing-${randomUUID()}.`;

  before(async () => {
    if (skipReason !== undefined) return;
    t = await startTestMesh({
      MESH_SEED_DEMO_USERS: 'false',
      EVENT_BUS: 'kafka',
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_NAME_PREFIX: prefix,
    });
    admin = await plainAdmin('tracing-e2e-admin');
  });
  after(async () => {
    await t?.destroy();
    if (admin !== undefined) {
      const topics = (await admin.listTopics()).filter((name) => name.startsWith(prefix));
      await admin.deleteTopics({ topics }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it(
    'carries the trace in the record’s traceparent header to the profiles consumer',
    kafkaTest(120_000),
    async () => {
      assert.ok(t !== undefined && admin !== undefined);
      const traceId = await recordAndFollow(t.mesh.gatewayUrl, KAFKA_WAIT);
      const records = await readTopic(admin, `${prefix}${USER_EVENTS_TOPIC}`);
      const carried = records.map((r) => header(r, TRACEPARENT_HEADER)?.split('-')[1]);
      assert.ok(carried.includes(traceId), `traceparents on the topic: ${carried.join(', ')}`);
    },
  );
});
