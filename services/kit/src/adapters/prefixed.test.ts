import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { silentLogger } from '../logger.js';
import type { EventBus, MessageBatch } from '../ports/event-bus.js';
import {
  describeEventBusConformance,
  describeVectorStoreConformance,
  reopenable,
  tempDirs,
  waitFor,
} from '../testing/index.js';
import { createEmbeddedEventBus, createEmbeddedVectorStore } from './embedded/index.js';
import { withCollectionPrefix, withTopicPrefix } from './prefixed.js';

// A prefixed adapter is still the port: the same suites every adapter passes.
describeEventBusConformance('embedded with a topic prefix', async () => {
  const { first, reopen, cleanup } = await reopenable(async (dataDir) =>
    withTopicPrefix(
      await createEmbeddedEventBus({
        dataDir,
        logger: silentLogger(),
        partitions: 4,
        retryInitialDelayMs: 5,
        retryMaxDelayMs: 20,
      }),
      'run-1.',
    ),
  );
  return { bus: first, reopen, cleanup };
});

describeVectorStoreConformance('embedded with a collection prefix', async () => {
  const { first, reopen, cleanup } = await reopenable(async (dataDir) =>
    withCollectionPrefix(
      await createEmbeddedVectorStore({ dataDir, logger: silentLogger() }),
      'run_1_',
    ),
  );
  return { store: first, reopen, cleanup };
});

const tempDir = tempDirs();

describe('withTopicPrefix', () => {
  describe('when two prefixes share one bus', () => {
    it('keeps their topics and groups apart, and delivers under the name the code uses', async () => {
      const inner = await createEmbeddedEventBus({
        dataDir: tempDir(),
        logger: silentLogger(),
        partitions: 1,
      });
      const subscribed: string[] = [];
      const spied: EventBus = {
        ensureTopics: (topics) => inner.ensureTopics(topics),
        publish: (topic, messages) => inner.publish(topic, messages),
        subscribe: (options) => {
          subscribed.push(`${options.groupId} on ${options.topic}`);
          return inner.subscribe(options);
        },
        consumerLag: (topic, groupId) => inner.consumerLag(topic, groupId),
        close: () => inner.close(),
      };
      const a = withTopicPrefix(spied, 'a.');
      const b = withTopicPrefix(spied, 'b.');
      try {
        const seen = { a: [] as MessageBatch[], b: [] as MessageBatch[], inner: [] as string[] };
        const follow = (bus: EventBus, into: MessageBatch[]) =>
          bus.subscribe({
            topic: 'events',
            groupId: 'readers',
            fromBeginning: true,
            handleBatch: async (batch) => {
              into.push(batch);
            },
          });
        for (const bus of [a, b]) await bus.ensureTopics([{ name: 'events' }]);
        await follow(a, seen.a);
        await follow(b, seen.b);
        await inner.subscribe({
          topic: 'a.events',
          groupId: 'inspector',
          fromBeginning: true,
          handleBatch: async (batch) => {
            seen.inner.push(...batch.messages.map((m) => m.value));
          },
        });
        await a.publish('events', [{ key: 'k', value: 'for a' }]);
        await b.publish('events', [{ key: 'k', value: 'for b' }]);
        await waitFor(() => seen.a.length > 0 && seen.b.length > 0 && seen.inner.length > 0, {
          description: 'each reader to get its message',
        });
        const values = (batches: MessageBatch[]) =>
          batches.flatMap((batch) => batch.messages.map((m) => m.value));
        assert.deepEqual(values(seen.a), ['for a']);
        assert.deepEqual(values(seen.b), ['for b']);
        assert.deepEqual(seen.inner, ['for a'], 'the server holds a.events');
        assert.deepEqual(subscribed, ['a.readers on a.events', 'b.readers on b.events']);
        for (const batch of [...seen.a, ...seen.b]) {
          assert.equal(batch.topic, 'events');
          assert.deepEqual(
            batch.messages.map((m) => m.topic),
            ['events'],
          );
        }
      } finally {
        await inner.close();
      }
    });
  });

  describe('when the prefix is empty', () => {
    it('is the bus itself', async () => {
      const bus = await createEmbeddedEventBus({ dataDir: tempDir(), logger: silentLogger() });
      try {
        assert.equal(withTopicPrefix(bus, ''), bus);
      } finally {
        await bus.close();
      }
    });
  });
});

describe('withCollectionPrefix', () => {
  describe('when a search starts from a point of another collection', () => {
    it('finds that point under the prefix too', async () => {
      const inner = await createEmbeddedVectorStore({ dataDir: tempDir(), logger: silentLogger() });
      const store = withCollectionPrefix(inner, 'run_');
      try {
        const vectors = { v: { size: 2, distance: 'cosine' as const } };
        await store.ensureCollection({ name: 'users', vectors });
        await store.ensureCollection({ name: 'items', vectors });
        await store.upsert('users', [{ id: 'u', vectors: { v: [1, 0] }, payload: {} }]);
        await store.upsert('items', [
          { id: 'near', vectors: { v: [0.9, 0.1] }, payload: {} },
          { id: 'far', vectors: { v: [0, 1] }, payload: {} },
        ]);
        const found = await store.search('items', {
          using: 'v',
          limit: 1,
          nearPoint: { id: 'u', collection: 'users' },
        });
        assert.deepEqual(
          found.map((p) => p.id),
          ['near'],
        );
        const [batched] = await store.readMany('items', [
          {
            kind: 'search',
            request: { using: 'v', limit: 1, nearPoint: { id: 'u', collection: 'users' } },
          },
        ]);
        assert.deepEqual(
          batched?.points.map((p) => p.id),
          ['near'],
          'a batched search finds it too',
        );
        assert.equal(await inner.count('run_items'), 2, 'the server holds run_items');
        assert.equal(await store.count('users'), 1);
      } finally {
        await inner.close();
      }
    });
  });
});
