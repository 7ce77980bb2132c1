import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { silentLogger, startTracing, type Tracing } from '@tailor/kit';
import {
  type OtlpReceiver,
  type ReceivedSpan,
  startOtlpReceiver,
  waitFor,
} from '@tailor/kit/testing';

import {
  eventCount,
  HOME,
  type HomeData,
  itemsOfCategory,
  RECORD_EVENTS,
  type RecordEventsData,
} from './graph.js';
import { query, startTestMesh, type TestMesh } from './harness.js';
import { traced } from './traces.js';

/** Span kinds as OTLP numbers them (the API's enum is off by one). */
const OTLP_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

/** The spans of one trace the receiver got, once none of them misses its parent. */
async function receivedTree(
  receiver: OtlpReceiver,
  traceId: string,
  has: (s: ReceivedSpan) => boolean,
) {
  return waitFor(
    () => {
      const spans = receiver.spans().filter((s) => s.traceId === traceId);
      const ids = new Set(spans.map((s) => s.spanId));
      const whole = spans.every((s) => !s.parentSpanId || ids.has(s.parentSpanId));
      return whole && spans.some(has) ? spans : undefined;
    },
    { timeoutMs: 30_000, description: `trace ${traceId} at the receiver, whole` },
  );
}

/** The chain from `span` up to the root of its trace, `span` first. */
function ancestry(span: ReceivedSpan, spans: readonly ReceivedSpan[]): ReceivedSpan[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const chain = [span];
  for (let parent = span.parentSpanId; parent; parent = byId.get(parent)?.parentSpanId) {
    const next = byId.get(parent);
    assert.ok(next !== undefined, `parent of ${chain.at(-1)?.name} missing`);
    chain.push(next);
  }
  return chain;
}

/**
 * The check over the wire: the mesh exports over OTLP/HTTP to a receiver in this test
 * (127.0.0.1, a free port), and the trees of one Home query and of one event's path are read
 * back from what arrived.
 */
describe('tracing exported over OTLP from the embedded mesh', () => {
  let receiver: OtlpReceiver;
  let tracing: Tracing;
  let t: TestMesh;
  let url: string;

  before(async () => {
    receiver = await startOtlpReceiver();
    // Before the mesh: Apollo Gateway keeps the tracer it first meets.
    tracing = startTracing({
      serviceName: 'tailor',
      settings: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
      logger: silentLogger(),
      exportDelayMs: 200,
    });
    t = await startTestMesh({ MESH_SEED_DEMO_USERS: 'false' });
    url = t.mesh.gatewayUrl;
  });
  after(async () => {
    await t.destroy();
    await tracing.shutdown();
    await receiver.close();
  });

  it('receives a Home query as one tree: client, gateway, then each subgraph', async () => {
    const { traceId } = await traced('open home', (headers) =>
      query<HomeData>(url, HOME, { userId: `home-${randomUUID()}` }, headers),
    );
    const isRecommender = (s: ReceivedSpan) =>
      s.kind === OTLP_KIND.server && s.attributes['tailor.service'] === 'recommender';
    const spans = await receivedTree(receiver, traceId, isRecommender);
    assert.ok(spans.every((s) => s.serviceName === 'tailor'));
    const roots = spans.filter((s) => !s.parentSpanId);
    assert.deepEqual(
      roots.map((s) => s.name),
      ['open home'],
    );
    const gateway = spans.find(
      (s) => s.kind === OTLP_KIND.server && s.attributes['tailor.service'] === 'gateway',
    );
    assert.ok(gateway !== undefined);
    assert.equal(gateway.parentSpanId, roots[0]?.spanId);
    for (const service of ['profiles', 'recommender', 'catalog', 'generation']) {
      const subgraph = spans.find(
        (s) => s.kind === OTLP_KIND.server && s.attributes['tailor.service'] === service,
      );
      assert.ok(subgraph !== undefined, `${service} answered within the trace`);
      const chain = ancestry(subgraph, spans);
      assert.equal(chain[1]?.name, 'gateway.fetch', `${service}'s parent is the gateway's fetch`);
      assert.ok(chain.includes(gateway));
    }
  });

  it('receives an event’s path: mutation, publish, the profiles consumer, the store write', async () => {
    const userId = `traced-${randomUUID()}`;
    const [itemId] = await itemsOfCategory(url, 'kitchen', 1);
    assert.ok(itemId !== undefined);
    const { traceId } = await traced('record a view', (headers) =>
      query<RecordEventsData>(
        url,
        RECORD_EVENTS,
        { events: [{ userId, itemId, type: 'VIEW' }] },
        headers,
      ),
    );
    await waitFor(async () => (await eventCount(url, userId)) === 1, {
      description: 'the event applied to the profile',
    });
    const isWrite = (s: ReceivedSpan) =>
      s.kind === OTLP_KIND.client && s.name === 'upsert profiles';
    const spans = await receivedTree(receiver, traceId, isWrite);
    const write = spans.find(isWrite);
    assert.ok(write !== undefined);
    const chain = ancestry(write, spans);
    assert.deepEqual(
      chain.slice(1, 3).map((s) => [s.kind, s.name]),
      [
        [OTLP_KIND.consumer, 'process user-events'],
        [OTLP_KIND.producer, 'send user-events'],
      ],
    );
    assert.equal(chain[1]?.attributes['messaging.consumer.group.name'], 'profiles');
    const servers = chain.filter((s) => s.kind === OTLP_KIND.server);
    assert.deepEqual(
      servers.map((s) => s.attributes['tailor.service']),
      ['events', 'gateway'],
    );
    assert.equal(chain.at(-1)?.name, 'record a view');
  });
});
