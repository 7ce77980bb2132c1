import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';

import type {
  DeliveredMessage,
  EventBus,
  MessageBatch,
  OutgoingMessage,
  SubscribeOptions,
  Subscription,
} from '../ports/event-bus.js';
import { waitFor } from './wait-for.js';

/** What a conformance factory hands the suite for one test. */
export interface EventBusUnderTest {
  bus: EventBus;
  /**
   * Closes every bus the factory opened (including reopened ones) and removes what they stored.
   * Called once at the end of every test, also after the test closed the bus itself.
   */
  cleanup(): Promise<void>;
  /**
   * Opens a new bus over the same storage, after the suite closed `bus`. Given only by adapters
   * whose data outlives the process (the embedded log); enables the durability tests.
   */
  reopen?: () => Promise<EventBus>;
}

/** Options of {@link describeEventBusConformance}. */
export interface EventBusConformanceOptions {
  /**
   * When set, every test of the suite is registered as skipped with this reason (e.g. no broker),
   * so a run without the server says skipped, never passed.
   */
  skip?: string;
  /** Deadline of each wait for a delivery; brokers that rebalance slowly need more. */
  waitTimeoutMs?: number;
  /** Deadline of each test. */
  testTimeoutMs?: number;
}

const PARTITIONS = 3;

function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

function messages(key: string, values: readonly string[]): OutgoingMessage[] {
  return values.map((value) => ({ key, value }));
}

function range(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
}

/** Yields to the event loop a few times: long enough for a prompt bus to act, never a sleep. */
async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Records what a subscription receives and stops it at the end of the test, so a failing
 * assertion never leaves a consumer running.
 */
class Harness {
  private readonly subscriptions: Subscription[] = [];

  constructor(
    readonly bus: EventBus,
    private readonly waitTimeoutMs: number,
  ) {}

  async collect(
    options: Omit<SubscribeOptions, 'handleBatch'> & {
      onBatch?: (batch: MessageBatch) => Promise<void> | void;
    },
  ): Promise<{
    received: DeliveredMessage[];
    batches: MessageBatch[];
    subscription: Subscription;
  }> {
    const received: DeliveredMessage[] = [];
    const batches: MessageBatch[] = [];
    const { onBatch, ...rest } = options;
    const subscription = await this.bus.subscribe({
      ...rest,
      handleBatch: async (batch) => {
        await onBatch?.(batch);
        batches.push(batch);
        received.push(...batch.messages);
      },
    });
    this.subscriptions.push(subscription);
    return { received, batches, subscription };
  }

  async waitForCount(received: readonly unknown[], count: number, what: string): Promise<void> {
    await waitFor(() => received.length >= count, {
      timeoutMs: this.waitTimeoutMs,
      description: `${what} (${count} messages, got ${received.length})`,
    });
  }

  async stopAll(): Promise<void> {
    await Promise.allSettled(this.subscriptions.map((s) => s.stop()));
  }
}

function values(received: readonly DeliveredMessage[]): string[] {
  return received.map((m) => m.value);
}

function byKey(received: readonly DeliveredMessage[]): Map<string, DeliveredMessage[]> {
  const groups = new Map<string, DeliveredMessage[]>();
  for (const message of received) {
    const list = groups.get(message.key) ?? [];
    list.push(message);
    groups.set(message.key, list);
  }
  return groups;
}

/**
 * Registers the EventBus conformance suite: every adapter of the port must pass it. Each test
 * gets a fresh bus from `factory` and uses fresh topic and group names.
 */
export function describeEventBusConformance(
  name: string,
  factory: () => Promise<EventBusUnderTest>,
  options: EventBusConformanceOptions = {},
): void {
  const waitTimeoutMs = options.waitTimeoutMs ?? 20_000;
  const testTimeoutMs = options.testTimeoutMs ?? 90_000;
  const skip = options.skip;

  const test = (
    title: string,
    body: (h: Harness, under: EventBusUnderTest, t: TestContext) => Promise<void>,
  ) =>
    // Each test is marked skipped (not just the suite) so the run's summary counts them.
    it(title, { timeout: testTimeoutMs, ...(skip === undefined ? {} : { skip }) }, async (t) => {
      const under = await factory();
      const harness = new Harness(under.bus, waitTimeoutMs);
      try {
        await body(harness, under, t);
      } finally {
        await harness.stopAll();
        await under.cleanup();
      }
    });

  const topicFor = async (bus: EventBus, partitions = PARTITIONS) => {
    const topic = unique('conformance');
    await bus.ensureTopics([{ name: topic, partitions, replicationFactor: 1 }]);
    return topic;
  };

  describe(`EventBus conformance: ${name}`, () => {
    describe('when a group subscribes from the beginning', () => {
      test('delivers every published message, in order per key', async (h) => {
        const topic = await topicFor(h.bus);
        const keys = range('user', 5);
        const sent: OutgoingMessage[] = [];
        for (let i = 0; i < 8; i += 1) {
          for (const key of keys) sent.push({ key, value: `${key}:${i}` });
        }
        const before = Date.now();
        await h.bus.publish(topic, sent.slice(0, 20));
        await h.bus.publish(topic, sent.slice(20));
        const after = Date.now();

        const { received } = await h.collect({ topic, groupId: unique('g'), fromBeginning: true });
        await h.waitForCount(received, sent.length, 'every message');

        assert.equal(received.length, sent.length, 'no message is delivered twice');
        for (const key of keys) {
          const got = byKey(received).get(key) ?? [];
          assert.deepEqual(
            values(got),
            range(key, 8).map((_, i) => `${key}:${i}`),
            `messages of ${key} arrive in publish order`,
          );
        }
        for (const message of received) {
          assert.equal(message.topic, topic);
          assert.ok(message.partition >= 0 && message.partition < PARTITIONS, 'partition in range');
          assert.match(message.offset, /^\d+$/, 'offset is a decimal string');
          assert.ok(
            message.timestamp >= before - 1000 && message.timestamp <= after + 1000,
            'timestamp is when the bus accepted the message',
          );
          assert.deepEqual(message.headers, {}, 'a message sent without headers has none');
        }
      });

      test('keeps each key on one partition with increasing offsets', async (h) => {
        const topic = await topicFor(h.bus);
        const keys = range('key', 30);
        await h.bus.publish(
          topic,
          keys.flatMap((key) => messages(key, ['a', 'b', 'c'])),
        );
        const { received } = await h.collect({ topic, groupId: unique('g'), fromBeginning: true });
        await h.waitForCount(received, keys.length * 3, 'every message');

        const used = new Set<number>();
        for (const [key, list] of byKey(received)) {
          const partitions = new Set(list.map((m) => m.partition));
          assert.equal(partitions.size, 1, `all messages of ${key} share one partition`);
          assert.deepEqual(values(list), ['a', 'b', 'c']);
          const offsets = list.map((m) => BigInt(m.offset));
          for (let i = 1; i < offsets.length; i += 1) {
            assert.ok(offsets[i]! > offsets[i - 1]!, `offsets of ${key} increase`);
          }
          used.add(list[0]!.partition);
        }
        assert.ok(used.size > 1, '30 keys spread over more than one partition');

        const perPartition = new Map<number, bigint[]>();
        for (const m of received) {
          const list = perPartition.get(m.partition) ?? [];
          list.push(BigInt(m.offset));
          perPartition.set(m.partition, list);
        }
        for (const [partition, offsets] of perPartition) {
          assert.equal(new Set(offsets).size, offsets.length, `offsets unique in ${partition}`);
        }
      });

      test('gives two groups every message each', async (h) => {
        const topic = await topicFor(h.bus);
        const sent = [...messages('a', range('a', 6)), ...messages('b', range('b', 6))];
        await h.bus.publish(topic, sent);
        const first = await h.collect({ topic, groupId: unique('g1'), fromBeginning: true });
        const second = await h.collect({ topic, groupId: unique('g2'), fromBeginning: true });
        await h.waitForCount(first.received, sent.length, 'the first group');
        await h.waitForCount(second.received, sent.length, 'the second group');
        const sorted = (r: DeliveredMessage[]) => values(r).sort();
        assert.deepEqual(sorted(first.received), sent.map((m) => m.value).sort());
        assert.deepEqual(sorted(second.received), sent.map((m) => m.value).sort());
      });

      test('round-trips headers unchanged', async (h) => {
        const topic = await topicFor(h.bus);
        const headers = {
          'content-type': 'application/json',
          'schema-version': '1',
          'x-unicode': 'café ☕ 日本',
          empty: '',
        };
        await h.bus.publish(topic, [{ key: 'k', value: '{"a":1}', headers }]);
        const { received } = await h.collect({ topic, groupId: unique('g'), fromBeginning: true });
        await h.waitForCount(received, 1, 'the message');
        assert.deepEqual(received[0]!.headers, headers);
        assert.equal(received[0]!.value, '{"a":1}');
        assert.equal(received[0]!.key, 'k');
      });

      test('stamps a message with the time given, else the time it was published', async (h) => {
        const topic = await topicFor(h.bus);
        const backfilled = Date.UTC(2009, 4, 17, 12, 0, 0);
        const before = Date.now();
        await h.bus.publish(topic, [
          { key: 'k', value: 'old', timestamp: backfilled },
          { key: 'k', value: 'new' },
        ]);
        const { received } = await h.collect({ topic, groupId: unique('g'), fromBeginning: true });
        await h.waitForCount(received, 2, 'both messages');
        assert.equal(received[0]!.timestamp, backfilled);
        // Allow for a broker whose clock is a little behind this process's.
        assert.ok(received[1]!.timestamp >= before - 5_000, `${received[1]!.timestamp}`);
      });
    });

    describe('when a group subscribes without fromBeginning', () => {
      test('delivers only messages published after subscribe resolves', async (h) => {
        const topic = await topicFor(h.bus);
        await h.bus.publish(topic, messages('k', ['old-1', 'old-2']));
        const { received } = await h.collect({ topic, groupId: unique('g') });
        await h.bus.publish(topic, messages('k', ['new-1', 'new-2']));
        await h.waitForCount(received, 2, 'the new messages');
        assert.deepEqual(values(received), ['new-1', 'new-2']);
      });
    });

    describe('when a group subscribes again after stopping', () => {
      test('resumes after its committed offset, without redelivery', async (h) => {
        const topic = await topicFor(h.bus);
        const groupId = unique('g');
        await h.bus.publish(topic, messages('k', ['m0', 'm1', 'm2']));
        const first = await h.collect({ topic, groupId, fromBeginning: true });
        await h.waitForCount(first.received, 3, 'the first messages');
        await first.subscription.stop();

        await h.bus.publish(topic, messages('k', ['m3', 'm4']));
        const second = await h.collect({ topic, groupId, fromBeginning: true });
        await h.bus.publish(topic, messages('k', ['m5']));
        await h.waitForCount(second.received, 3, 'the messages after the commit');
        assert.deepEqual(values(second.received), ['m3', 'm4', 'm5']);
        assert.deepEqual(values(first.received), ['m0', 'm1', 'm2']);
      });
    });

    describe('when a handler throws', () => {
      test('delivers the same batch again and skips nothing', async (h) => {
        const topic = await topicFor(h.bus);
        const sent = range('m', 5);
        await h.bus.publish(topic, messages('k', sent));
        const attempts: string[][] = [];
        const attemptOffsets: string[][] = [];
        let failures = 0;
        const { received } = await h.collect({
          topic,
          groupId: unique('g'),
          fromBeginning: true,
          onBatch: (batch) => {
            attempts.push(values(batch.messages));
            attemptOffsets.push(batch.messages.map((m) => m.offset));
            if (failures < 2) {
              failures += 1;
              throw new Error('conformance: handler failure');
            }
          },
        });
        await h.waitForCount(received, sent.length, 'delivery after the failures');
        assert.deepEqual(values(received), sent, 'every message once, in order, after success');
        assert.ok(attempts.length >= 3, 'two failed attempts and a successful one');
        assert.deepEqual(attempts[1], attempts[0], 'the failed batch comes again unchanged');
        assert.deepEqual(attemptOffsets[1], attemptOffsets[0]);
        assert.deepEqual(attempts[2], attempts[0]);
      });

      test('commits nothing for a batch that failed', async (h) => {
        const topic = await topicFor(h.bus);
        const groupId = unique('g');
        await h.bus.publish(topic, messages('k', ['m0', 'm1']));
        let attempts = 0;
        const failing = await h.bus.subscribe({
          topic,
          groupId,
          fromBeginning: true,
          handleBatch: () => {
            attempts += 1;
            return Promise.reject(new Error('conformance: always fails'));
          },
        });
        await waitFor(() => attempts >= 2, { timeoutMs: waitTimeoutMs, description: 'a retry' });
        await failing.stop();

        const { received } = await h.collect({ topic, groupId, fromBeginning: true });
        await h.waitForCount(received, 2, 'the uncommitted messages');
        assert.deepEqual(values(received), ['m0', 'm1']);
      });
    });

    describe('when a group is behind', () => {
      test('reports as lag what it has not committed, down to 0 once it has', async (h) => {
        const topic = await topicFor(h.bus);
        const groupId = unique('g');
        const sent = range('k', 7).map((key) => ({ key, value: key }));
        await h.bus.publish(topic, sent);
        assert.equal(await h.bus.consumerLag(topic, groupId), 7, 'a group that never read');

        let release!: () => void;
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        let started = 0;
        const { received } = await h.collect({
          topic,
          groupId,
          fromBeginning: true,
          onBatch: async () => {
            started += 1;
            await gate;
          },
        });
        await waitFor(() => started > 0, { timeoutMs: waitTimeoutMs, description: 'a batch' });
        assert.equal(await h.bus.consumerLag(topic, groupId), 7, 'nothing handled yet');
        release();
        await h.waitForCount(received, 7, 'every message');
        await waitFor(async () => (await h.bus.consumerLag(topic, groupId)) === 0, {
          timeoutMs: waitTimeoutMs,
          description: 'the lag to reach 0 after the commits',
        });
        await h.bus.publish(topic, messages('late', ['x']));
        await h.waitForCount(received, 8, 'the late message');
        await waitFor(async () => (await h.bus.consumerLag(topic, groupId)) === 0, {
          timeoutMs: waitTimeoutMs,
          description: 'the lag to reach 0 again',
        });
      });
    });

    describe('when a subscription is ephemeral', () => {
      test('neither reads nor commits offsets', async (h) => {
        const topic = await topicFor(h.bus);
        const groupId = unique('g');
        await h.bus.publish(topic, messages('k', ['m0', 'm1']));

        const durable = await h.collect({ topic, groupId, fromBeginning: true });
        await h.waitForCount(durable.received, 2, 'the durable group');
        await durable.subscription.stop();

        const first = await h.collect({ topic, groupId, fromBeginning: true, ephemeral: true });
        await h.waitForCount(first.received, 2, 'the ephemeral replay ignoring commits');
        await first.subscription.stop();
        const again = await h.collect({ topic, groupId, fromBeginning: true, ephemeral: true });
        await h.waitForCount(again.received, 2, 'a second ephemeral replay');
        await again.subscription.stop();
        assert.deepEqual(values(first.received), ['m0', 'm1']);
        assert.deepEqual(values(again.received), ['m0', 'm1']);

        await h.bus.publish(topic, messages('k', ['m2']));
        const resumed = await h.collect({ topic, groupId, fromBeginning: true });
        await h.waitForCount(resumed.received, 1, 'the durable group resuming');
        assert.deepEqual(values(resumed.received), ['m2'], 'ephemeral runs moved no offset');
      });
    });

    describe('when topics are ensured twice', () => {
      test('leaves existing topics and their messages as they are', async (h) => {
        const topic = await topicFor(h.bus);
        await h.bus.publish(topic, messages('k', ['before']));
        await h.bus.ensureTopics([{ name: topic, partitions: PARTITIONS, replicationFactor: 1 }]);
        await h.bus.ensureTopics([
          { name: topic, partitions: PARTITIONS, replicationFactor: 1 },
          { name: topic, partitions: PARTITIONS, replicationFactor: 1 },
        ]);
        await h.bus.publish(topic, messages('k', ['after']));
        const { received } = await h.collect({ topic, groupId: unique('g'), fromBeginning: true });
        await h.waitForCount(received, 2, 'both messages');
        assert.deepEqual(values(received), ['before', 'after']);
      });
    });

    describe('when a subscription stops during a batch', () => {
      test('lets the batch finish and commit before stop resolves', async (h) => {
        const topic = await topicFor(h.bus);
        const groupId = unique('g');
        await h.bus.publish(topic, messages('k', ['m0', 'm1']));
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let started = false;
        let finished = false;
        const handled: string[] = [];
        const subscription = await h.bus.subscribe({
          topic,
          groupId,
          fromBeginning: true,
          handleBatch: async (batch) => {
            started = true;
            await released;
            handled.push(...values(batch.messages));
            finished = true;
          },
        });
        await waitFor(() => started, { timeoutMs: waitTimeoutMs, description: 'the batch' });
        let stopped = false;
        const stopping = subscription.stop().then(() => {
          stopped = true;
        });
        await settle();
        assert.equal(stopped, false, 'stop waits for the batch in hand');
        release();
        await stopping;
        assert.equal(finished, true, 'the batch finished before stop resolved');
        assert.deepEqual(handled, ['m0', 'm1']);

        await h.bus.publish(topic, messages('k', ['m2']));
        const { received } = await h.collect({ topic, groupId, fromBeginning: true });
        await h.waitForCount(received, 1, 'the message after the stop');
        assert.deepEqual(values(received), ['m2'], 'the finished batch was committed');
      });
    });

    describe('when the bus is closed and reopened', () => {
      test('keeps messages and committed offsets', async (h, under, t) => {
        if (under.reopen === undefined) {
          t.skip('the adapter gives no reopen');
          return;
        }
        const topic = await topicFor(h.bus);
        const groupId = unique('g');
        await h.bus.publish(topic, [
          ...messages('a', ['a0', 'a1']),
          { key: 'b', value: 'b0', headers: { h: 'v' } },
        ]);
        const first = await h.collect({ topic, groupId, fromBeginning: true });
        await h.waitForCount(first.received, 3, 'the first messages');
        await first.subscription.stop();
        await h.bus.publish(topic, messages('a', ['a2']));
        await h.bus.close();

        const reopened = await under.reopen();
        const h2 = new Harness(reopened, waitTimeoutMs);
        try {
          const resumed = await h2.collect({ topic, groupId, fromBeginning: true });
          await h2.waitForCount(resumed.received, 1, 'the uncommitted message');
          const everything = await h2.collect({ topic, groupId: unique('g'), fromBeginning: true });
          await h2.waitForCount(everything.received, 4, 'every stored message');
          await reopened.publish(topic, messages('a', ['a3']));
          await h2.waitForCount(resumed.received, 2, 'a message published after reopening');

          assert.deepEqual(values(resumed.received), ['a2', 'a3']);
          const groups = byKey(everything.received);
          assert.deepEqual(values(groups.get('a') ?? []).slice(0, 3), ['a0', 'a1', 'a2']);
          assert.deepEqual(groups.get('b')?.[0]?.headers, { h: 'v' });
          const original = first.received.find((m) => m.value === 'a0');
          const replayed = everything.received.find((m) => m.value === 'a0');
          assert.equal(replayed?.offset, original?.offset, 'offsets survive');
          assert.equal(replayed?.partition, original?.partition, 'partitions survive');
          assert.equal(replayed?.timestamp, original?.timestamp, 'timestamps survive');
        } finally {
          await h2.stopAll();
          await reopened.close();
        }
      });
    });
  });
}
