import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';

import { type Admin, Kafka, logLevel, Partitioners } from 'kafkajs';

import { TailorError } from '../../errors.js';
import { silentLogger } from '../../logger.js';
import type { EventBus, TopicSpec } from '../../ports/event-bus.js';
import { describeEventBusConformance, kafkaForTests, waitFor } from '../../testing/index.js';
import { createKafkaEventBus } from './kafka-event-bus.js';

const kafka = await kafkaForTests();
const brokers = kafka.available ? kafka.address : undefined;
const skip = kafka.available ? undefined : kafka.skip;

after(async () => {
  if (kafka.available) await kafka.stop();
});

function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

function openBus(brokerList: string[]): Promise<EventBus> {
  return createKafkaEventBus({
    brokers: brokerList,
    clientId: 'tailor-kafka-test',
    logger: silentLogger(),
    retryInitialDelayMs: 50,
    retryMaxDelayMs: 500,
    defaultPartitions: 4,
  });
}

/** A bus that remembers the topics it was asked for, so the test can delete them after. */
function recordingTopics(bus: EventBus, topics: Set<string>): EventBus {
  return {
    ...bus,
    ensureTopics: (specs: TopicSpec[]) => {
      for (const spec of specs) topics.add(spec.name);
      return bus.ensureTopics(specs);
    },
  };
}

function plainAdmin(brokerList: string[]): Admin {
  return new Kafka({
    clientId: 'tailor-kafka-test-admin',
    brokers: brokerList,
    logLevel: logLevel.NOTHING,
  }).admin();
}

describeEventBusConformance(
  'kafka',
  async () => {
    const brokerList = brokers ?? [];
    const topics = new Set<string>();
    const opened: EventBus[] = [];
    const open = async () => {
      const bus = recordingTopics(await openBus(brokerList), topics);
      opened.push(bus);
      return bus;
    };
    const bus = await open();
    return {
      bus,
      // The broker keeps messages and committed offsets, so a new bus over it sees them.
      reopen: open,
      cleanup: async () => {
        await Promise.allSettled(opened.map((b) => b.close()));
        if (topics.size === 0) return;
        const admin = plainAdmin(brokerList);
        await admin.connect();
        try {
          await admin.deleteTopics({ topics: [...topics] });
        } finally {
          await admin.disconnect();
        }
      },
    };
  },
  // A Kafka group join takes a round of the group protocol; a rebalance, a few heartbeats.
  skip === undefined ? { waitTimeoutMs: 30_000, testTimeoutMs: 120_000 } : { skip },
);

describe('createKafkaEventBus', () => {
  describe('when the options are invalid', () => {
    it('rejects an empty broker list without connecting', async () => {
      await assert.rejects(
        createKafkaEventBus({ brokers: [], clientId: 'x', logger: silentLogger() }),
        (err: unknown) =>
          err instanceof TailorError && !err.retriable && /brokers/.test(err.message),
      );
    });

    it('rejects a broker that is not host:port', async () => {
      await assert.rejects(
        createKafkaEventBus({ brokers: ['localhost'], clientId: 'x', logger: silentLogger() }),
        (err: unknown) =>
          err instanceof TailorError && /"localhost" is not host:port/.test(err.message),
      );
    });

    it('fails to open, as retriable, when no broker listens', async () => {
      const server = net.createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as net.AddressInfo;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await assert.rejects(
        createKafkaEventBus({
          brokers: [`127.0.0.1:${port}`],
          clientId: 'x',
          logger: silentLogger(),
        }),
        (err: unknown) =>
          err instanceof TailorError && err.retriable && /connecting to/.test(err.message),
      );
    });

    it('rejects a maximum retry delay below the initial one', async () => {
      await assert.rejects(
        createKafkaEventBus({
          brokers: ['127.0.0.1:9092'],
          clientId: 'x',
          logger: silentLogger(),
          retryInitialDelayMs: 1000,
          retryMaxDelayMs: 10,
        }),
        (err: unknown) => err instanceof TailorError && /retryMaxDelayMs/.test(err.message),
      );
    });

    it('rejects a publish timeout that is not a positive whole number of ms', async () => {
      await assert.rejects(
        createKafkaEventBus({
          brokers: ['127.0.0.1:9092'],
          clientId: 'x',
          logger: silentLogger(),
          publishTimeoutMs: 0,
        }),
        (err: unknown) =>
          err instanceof TailorError && /publishTimeoutMs must be a positive/.test(err.message),
      );
    });
  });
});

describe('Kafka event bus', skip === undefined ? {} : { skip }, () => {
  const brokerList = brokers ?? [];
  let bus: EventBus;
  let admin: Admin;
  const topics: string[] = [];

  before(async () => {
    bus = await openBus(brokerList);
    admin = plainAdmin(brokerList);
    await admin.connect();
  });

  after(async () => {
    await bus.close();
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
  });

  describe('when ensuring topics', () => {
    // From metadata: listing offsets needs each partition's leader, which a broker under load may
    // still be electing just after the topic was created.
    const partitionCount = async (topic: string) => {
      const { topics: [described] = [] } = await admin.fetchTopicMetadata({ topics: [topic] });
      return described?.partitions.length;
    };

    it('creates missing topics with the requested partitions', async () => {
      const topic = unique('kafka-bus');
      topics.push(topic);
      await bus.ensureTopics([{ name: topic, partitions: 3, replicationFactor: 1 }]);
      assert.equal(await partitionCount(topic), 3);
    });

    it('creates topics with the default partition count when none is given', async () => {
      const topic = unique('kafka-bus');
      topics.push(topic);
      await bus.ensureTopics([{ name: topic }]);
      assert.equal(await partitionCount(topic), 4);
    });

    it('refuses a replication factor the cluster cannot meet, as not retriable', async () => {
      const { brokers: members } = await admin.describeCluster();
      await assert.rejects(
        bus.ensureTopics([
          { name: unique('kafka-bus'), partitions: 1, replicationFactor: members.length + 1 },
        ]),
        (err: unknown) =>
          err instanceof TailorError && !err.retriable && /creating topics/.test(err.message),
      );
    });

    it('refuses an invalid topic name before calling the broker', async () => {
      await assert.rejects(
        bus.ensureTopics([{ name: 'no spaces allowed' }]),
        (err: unknown) =>
          err instanceof TailorError && /not a valid Kafka topic name/.test(err.message),
      );
    });
  });

  describe('when a subscriber starts before its topic is ready', () => {
    // Processes of one deployment start together: a consumer may ask for a topic another
    // process is still creating, whose partitions have no leader yet.
    it('keeps trying to join, then receives what is published', async () => {
      const topic = unique('kafka-bus-late');
      topics.push(topic);
      const received: string[] = [];
      const subscribing = bus.subscribe({
        topic,
        groupId: unique('g'),
        fromBeginning: true,
        handleBatch: async (batch) => {
          received.push(...batch.messages.map((m) => m.value));
        },
      });
      await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
      const subscription = await subscribing;
      try {
        await bus.publish(topic, [{ key: 'k', value: 'after the topic came' }]);
        await waitFor(() => received.length > 0, { timeoutMs: 30_000, description: 'the message' });
        assert.deepEqual(received, ['after the topic came']);
      } finally {
        await subscription.stop();
      }
    });
  });

  describe('when another producer writes the topic', () => {
    it('puts a key on the same partition as a plain kafkajs producer with the default partitioner', async () => {
      const topic = unique('kafka-bus');
      topics.push(topic);
      await bus.ensureTopics([{ name: topic, partitions: 4, replicationFactor: 1 }]);
      const plain = new Kafka({
        clientId: 'plain',
        brokers: brokerList,
        logLevel: logLevel.NOTHING,
      }).producer({
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await plain.connect();
      try {
        const keys = Array.from({ length: 12 }, (_, i) => `user-${i}`);
        await plain.send({
          topic,
          messages: keys.map((key) => ({ key, value: 'plain', headers: { origin: 'plain' } })),
        });
        await bus.publish(
          topic,
          keys.map((key) => ({ key, value: 'bus' })),
        );

        const received: {
          key: string;
          value: string;
          partition: number;
          headers: Record<string, string>;
        }[] = [];
        const subscription = await bus.subscribe({
          topic,
          groupId: unique('g'),
          fromBeginning: true,
          handleBatch: async (batch) => {
            received.push(...batch.messages);
          },
        });
        try {
          await waitFor(() => received.length >= keys.length * 2, {
            timeoutMs: 30_000,
            description: 'both writes',
          });
        } finally {
          await subscription.stop();
        }
        for (const key of keys) {
          const partitions = new Set(received.filter((m) => m.key === key).map((m) => m.partition));
          assert.equal(partitions.size, 1, `${key} is on one partition whoever wrote it`);
        }
        const fromPlain = received.find((m) => m.value === 'plain');
        assert.deepEqual(fromPlain?.headers, { origin: 'plain' });
      } finally {
        await plain.disconnect();
      }
    });
  });

  describe('when closed', () => {
    it('refuses to publish afterwards', async () => {
      const closing = await openBus(brokerList);
      await closing.close();
      await assert.rejects(
        closing.publish('any-topic', [{ key: 'k', value: 'v' }]),
        (err: unknown) =>
          err instanceof TailorError && !err.retriable && /closed/.test(err.message),
      );
    });
  });
});
