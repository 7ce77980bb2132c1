import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { createEmbeddedVectorStore } from '../adapters/embedded/index.js';
import { TailorError } from '../errors.js';
import { silentLogger } from '../logger.js';
import type { EventBus } from '../ports/event-bus.js';
import type { VectorStore } from '../ports/vector-store.js';
import { RequestStopped } from '../server/deadline.js';
import {
  CircuitBreaker,
  degradedDependencies,
  DependencyUnavailableError,
} from './circuit-breaker.js';
import { guardedBus } from './guarded-bus.js';
import { guardedStore } from './guarded-store.js';

const down = () => new TailorError('server not answering', { retriable: true });

describe('CircuitBreaker', () => {
  describe('when a dependency keeps failing', () => {
    it('opens after the threshold, refuses without calling, and closes after a good probe', async () => {
      let clock = 0;
      let calls = 0;
      let healthy = false;
      const breaker = new CircuitBreaker({
        name: 'test-dependency',
        failureThreshold: 2,
        openMs: 1_000,
        now: () => clock,
      });
      const call = () =>
        breaker.run(async () => {
          calls += 1;
          if (!healthy) throw down();
          return 'ok';
        });
      try {
        await assert.rejects(call(), /not answering/);
        assert.equal(breaker.state, 'closed');
        await assert.rejects(call(), /not answering/);
        assert.equal(breaker.state, 'open');
        assert.deepEqual(degradedDependencies(), ['test-dependency']);

        await assert.rejects(call(), DependencyUnavailableError);
        assert.equal(calls, 2, 'an open circuit makes no call');

        clock = 1_000;
        await assert.rejects(call(), /not answering/);
        assert.equal(calls, 3, 'one probe went through');
        assert.equal(breaker.state, 'open', 'a failed probe opens it again');
        await assert.rejects(call(), DependencyUnavailableError);

        healthy = true;
        clock = 2_000;
        assert.equal(await call(), 'ok');
        assert.equal(breaker.state, 'closed');
        assert.deepEqual(degradedDependencies(), []);
      } finally {
        breaker.dispose();
      }
    });

    it('does not count a caller that stopped or a request the dependency refused', async () => {
      const breaker = new CircuitBreaker({ name: 'test-caller-errors', failureThreshold: 1 });
      try {
        await assert.rejects(
          breaker.run(() => Promise.reject(new RequestStopped('REQUEST_CANCELLED'))),
        );
        await assert.rejects(
          breaker.run(() => Promise.reject(new TailorError('bad filter', { retriable: false }))),
        );
        assert.equal(breaker.state, 'closed');
      } finally {
        breaker.dispose();
      }
    });
  });
});

describe('guardedStore', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tailor-guarded-'));
  let inner: VectorStore;
  let failing = false;
  let store: VectorStore;
  const breaker = new CircuitBreaker({ name: 'test-store', failureThreshold: 2, openMs: 60_000 });

  before(async () => {
    inner = await createEmbeddedVectorStore({ dataDir, logger: silentLogger() });
    await inner.ensureCollection({
      name: 'items',
      vectors: { v: { size: 2, distance: 'cosine' } },
    });
    await inner.ensureCollection({
      name: 'profiles',
      vectors: { v: { size: 2, distance: 'cosine' } },
    });
    // The embedded store never fails on its own: this one does when told to.
    const flaky = new Proxy(inner, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          failing && key !== 'close'
            ? Promise.reject(down())
            : (value as (...a: unknown[]) => unknown).apply(target, args);
      },
    });
    store = guardedStore(flaky, { breaker, lastKnown: ['items'] });
    for (const collection of ['items', 'profiles']) {
      await store.upsert(collection, [
        { id: 'a', vectors: { v: [1, 0] }, payload: { title: 'A' } },
        { id: 'b', vectors: { v: [0, 1] }, payload: { title: 'B' } },
      ]);
    }
  });

  after(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('when the store goes down', () => {
    it('answers reads of items read before from memory, and nothing else', async () => {
      const read = await store.retrieve('items', ['a', 'b'], { withPayload: ['title'] });
      await store.retrieve('profiles', ['a']);
      failing = true;
      const again = await store.retrieve('items', ['b', 'a'], { withPayload: ['title'] });
      assert.deepEqual(
        again.map((p) => [p.id, p.payload['title']]),
        [
          ['b', 'B'],
          ['a', 'A'],
        ],
      );
      assert.equal(read.length, 2);
      await assert.rejects(store.retrieve('items', ['a'], { withVectors: true }), /not answering/);
      await assert.rejects(store.retrieve('profiles', ['a']), DependencyUnavailableError);
      await assert.rejects(store.search('items', { using: 'v', vector: [1, 0], limit: 1 }));
      assert.equal(breaker.state, 'open');
    });

    it('forgets a point it writes, so no stale copy outlives a change', async () => {
      await assert.rejects(
        store.upsert('items', [{ id: 'a', vectors: { v: [1, 1] }, payload: { title: 'A2' } }]),
        DependencyUnavailableError,
      );
      await assert.rejects(
        store.retrieve('items', ['a'], { withPayload: ['title'] }),
        DependencyUnavailableError,
      );
    });
  });
});

describe('guardedBus', () => {
  describe('when the broker keeps refusing publishes', () => {
    it('stops publishing to it after the threshold, failing at once and retriably', async () => {
      let publishes = 0;
      const broker: EventBus = {
        ensureTopics: async () => undefined,
        publish: async () => {
          publishes += 1;
          throw down();
        },
        subscribe: () => Promise.reject(new Error('not used')),
        consumerLag: async () => 0,
        close: async () => undefined,
      };
      const bus = guardedBus(broker, new CircuitBreaker({ name: 'test-bus', failureThreshold: 2 }));
      try {
        const message = [{ key: 'k', value: 'v' }];
        await assert.rejects(bus.publish('t', message), /not answering/);
        await assert.rejects(bus.publish('t', message), /not answering/);
        await assert.rejects(bus.publish('t', message), (err: unknown) => {
          return err instanceof DependencyUnavailableError && err.retriable;
        });
        assert.equal(publishes, 2);
      } finally {
        await bus.close();
      }
    });
  });
});
