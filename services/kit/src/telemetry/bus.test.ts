import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, beforeEach, describe, it } from 'node:test';

import { Kafka, logLevel } from 'kafkajs';

import { createEmbeddedEventBus } from '../adapters/embedded/index.js';
import { createKafkaEventBus } from '../adapters/kafka/kafka-event-bus.js';
import { silentLogger } from '../logger.js';
import type { DeliveredMessage, EventBus } from '../ports/event-bus.js';
import { kafkaForTests, tempDirs, waitFor } from '../testing/index.js';
import {
  parentIdOf,
  type ReadableSpan,
  type RecordedSpans,
  recordSpans,
} from '../testing/spans.js';
import { tracedBus } from './bus.js';
import { SpanKind, traceHeaders, TRACEPARENT_HEADER, withSpan } from './spans.js';

const kafka = await kafkaForTests();
after(async () => {
  if (kafka.available) await kafka.stop();
});
const tempDir = tempDirs();

function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** `00-<trace id>-<span id>-<flags>`: the W3C traceparent's parts. */
function parts(traceparent: string | undefined): { traceId: string; spanId: string } {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(traceparent ?? '');
  assert.ok(match !== null, `not a W3C traceparent: ${traceparent}`);
  return { traceId: match[1] ?? '', spanId: match[2] ?? '' };
}

/** Publishes `count` messages with key `key` inside a span of their own; its ids. */
async function publishInSpan(bus: EventBus, topic: string, key: string, count: number) {
  return withSpan('produce', {}, async (span) => {
    assert.ok(span !== undefined);
    const messages = Array.from({ length: count }, (_, i) => ({
      key,
      value: `m${i}`,
      headers: { 'content-type': 'text/plain' },
    }));
    await bus.publish(topic, messages);
    return { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
  });
}

/**
 * The same tests against each adapter: `open` gives the raw bus (what a consumer unaware of
 * tracing sees) and the traced bus over it.
 */
function describeTracedBus(
  name: string,
  open: () => Promise<{ raw: EventBus; traced: EventBus; close(): Promise<void> }>,
  options: { skip?: string | undefined } = {},
) {
  describe(`the traced ${name} bus`, { skip: options.skip }, () => {
    let recorded: RecordedSpans;
    let buses: Awaited<ReturnType<typeof open>>;
    beforeEach(async () => {
      recorded = recordSpans('bus-test');
      buses = await open();
    });
    afterEach(async () => {
      await buses.close();
      await recorded.stop();
    });

    it('puts the publishing span’s W3C traceparent in every message’s headers', async () => {
      const topic = unique('traced');
      await buses.traced.ensureTopics([{ name: topic, partitions: 1 }]);
      const sent = await publishInSpan(buses.traced, topic, 'user-1', 2);
      const delivered: DeliveredMessage[] = [];
      const subscription = await buses.raw.subscribe({
        topic,
        groupId: unique('raw'),
        fromBeginning: true,
        handleBatch: async (batch) => {
          delivered.push(...batch.messages);
        },
      });
      await waitFor(() => delivered.length === 2, {
        description: 'both messages',
        timeoutMs: 30_000,
      });
      await subscription.stop();
      const spans = await recorded.spansWhen(
        (ended) => ended.some((s) => s.kind === SpanKind.PRODUCER),
        'the publish span',
      );
      const send = spans.find((s) => s.kind === SpanKind.PRODUCER);
      assert.ok(send !== undefined);
      assert.equal(send.name, `send ${topic}`);
      assert.equal(send.attributes['messaging.destination.name'], topic);
      assert.equal(parentIdOf(send), sent.spanId);
      for (const message of delivered) {
        assert.equal(
          message.headers['content-type'],
          'text/plain',
          'the message’s own headers stay',
        );
        const carried = parts(message.headers[TRACEPARENT_HEADER]);
        assert.equal(carried.traceId, sent.traceId);
        assert.equal(carried.spanId, send.spanContext().spanId);
      }
    });

    it('handles a batch of one trace inside a process span, the publish span’s child', async () => {
      const topic = unique('traced');
      await buses.traced.ensureTopics([{ name: topic, partitions: 1 }]);
      const sent = await publishInSpan(buses.traced, topic, 'user-1', 1);
      const seenInHandler: string[] = [];
      const group = unique('group');
      const subscription = await buses.traced.subscribe({
        topic,
        groupId: group,
        fromBeginning: true,
        handleBatch: async () => {
          seenInHandler.push(traceHeaders()[TRACEPARENT_HEADER] ?? '');
        },
      });
      await waitFor(() => seenInHandler.length > 0, {
        description: 'the batch',
        timeoutMs: 30_000,
      });
      await subscription.stop();
      const spans = await recorded.spansWhen(
        (ended) => ended.some((s) => s.kind === SpanKind.CONSUMER),
        'the process span',
      );
      const send = spans.find((s) => s.kind === SpanKind.PRODUCER);
      const process = spans.find((s) => s.kind === SpanKind.CONSUMER);
      assert.ok(send !== undefined && process !== undefined);
      assert.equal(process.name, `process ${topic}`);
      assert.equal(process.spanContext().traceId, sent.traceId);
      assert.equal(parentIdOf(process), send.spanContext().spanId);
      assert.equal(process.attributes['messaging.consumer.group.name'], group);
      assert.equal(process.attributes['messaging.operation.type'], 'process');
      // The handler ran inside it: what it publishes or stores continues the same trace.
      assert.equal(parts(seenInHandler[0]).spanId, process.spanContext().spanId);
    });
  });
}

describeTracedBus('embedded', async () => {
  const raw = await createEmbeddedEventBus({ dataDir: tempDir(), logger: silentLogger() });
  return { raw, traced: tracedBus(raw, 'tailor.embedded'), close: () => raw.close() };
});

describeTracedBus(
  'Kafka',
  async () => {
    const raw = await createKafkaEventBus({
      brokers: kafka.available ? kafka.address : [],
      clientId: 'tailor-tracing-test',
      logger: silentLogger(),
      defaultPartitions: 1,
    });
    return { raw, traced: tracedBus(raw, 'kafka'), close: () => raw.close() };
  },
  { skip: kafka.available ? undefined : kafka.skip },
);

describe(
  'the traced Kafka bus on the wire',
  { skip: kafka.available ? undefined : kafka.skip },
  () => {
    it('stores traceparent as a Kafka record header any client can read', async () => {
      const recorded = recordSpans('kafka-wire-test');
      const brokers = kafka.available ? kafka.address : [];
      const bus = tracedBus(
        await createKafkaEventBus({
          brokers,
          clientId: 'tailor-tracing-test',
          logger: silentLogger(),
          defaultPartitions: 1,
        }),
        'kafka',
      );
      const client = new Kafka({ clientId: 'plain', brokers, logLevel: logLevel.NOTHING });
      const consumer = client.consumer({ groupId: unique('plain') });
      try {
        const topic = unique('wire');
        await bus.ensureTopics([{ name: topic, partitions: 1 }]);
        const sent = await publishInSpan(bus, topic, 'user-1', 1);
        const headers: Record<string, string>[] = [];
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            headers.push(
              Object.fromEntries(
                Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
              ),
            );
          },
        });
        await waitFor(() => headers.length === 1, { description: 'the record', timeoutMs: 30_000 });
        assert.equal(parts(headers[0]?.[TRACEPARENT_HEADER]).traceId, sent.traceId);
      } finally {
        await consumer.disconnect();
        await bus.close();
        await recorded.stop();
      }
    });
  },
);

describe('a batch that mixes traces', () => {
  it('is a root process span with a link to each trace it carries', async () => {
    const recorded = recordSpans('bus-test');
    const raw = await createEmbeddedEventBus({ dataDir: tempDir(), logger: silentLogger() });
    const bus = tracedBus(raw, 'tailor.embedded');
    try {
      const topic = unique('mixed');
      await bus.ensureTopics([{ name: topic, partitions: 1 }]);
      // Both published before anyone consumes: one batch delivers them together.
      const first = await publishInSpan(bus, topic, 'user-1', 1);
      const second = await publishInSpan(bus, topic, 'user-1', 1);
      let sizes: number[] = [];
      const subscription = await bus.subscribe({
        topic,
        groupId: unique('group'),
        fromBeginning: true,
        handleBatch: async (batch) => {
          sizes = [...sizes, batch.messages.length];
        },
      });
      await waitFor(() => sizes.reduce((a, b) => a + b, 0) === 2, { description: 'both' });
      await subscription.stop();
      assert.deepEqual(sizes, [2]);
      const spans = await recorded.spansWhen(
        (ended) => ended.some((s) => s.kind === SpanKind.CONSUMER),
        'the process span',
      );
      const process = spans.find((s) => s.kind === SpanKind.CONSUMER) as ReadableSpan;
      assert.equal(parentIdOf(process), undefined);
      assert.deepEqual(
        process.links.map((l) => l.context.traceId).sort(),
        [first.traceId, second.traceId].sort(),
      );
      assert.equal(process.attributes['messaging.batch.message_count'], 2);
    } finally {
      await bus.close();
      await recorded.stop();
    }
  });
});
