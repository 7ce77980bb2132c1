import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import {
  type BatchRead,
  type CollectionSpec,
  createAdapters,
  type Filter,
  loadConfig,
  type PointInput,
  type ScrollRequest,
  type SearchRequest,
  silentLogger,
  TailorError,
  type VectorStore,
  type VectorUpdate,
} from '@tailor/kit';
import { waitFor } from '@tailor/kit/testing';
import { meshEnvSchema } from '@tailor/mesh';
import { PROFILES_GROUP_ID, startProfiles } from '@tailor/profiles';

import { eventCount } from '../graph.js';
import {
  brokers,
  committedOffsets,
  committedUpTo,
  contractEvent,
  kafkaTest,
  plainAdmin,
  plainProducer,
  produceRaw,
  readDeadLetters,
  topicEnds,
  unique,
} from './broker.js';

/** A store that refuses every call while `failing` is set, remembering when it refused. */
class FailingStore implements VectorStore {
  failing = false;
  /** Epoch ms of each refused call: with the store down, one per attempt at a batch. */
  readonly refusals: number[] = [];

  constructor(private readonly inner: VectorStore) {}

  private check(): void {
    if (!this.failing) return;
    this.refusals.push(Date.now());
    throw new TailorError('vector store unavailable (made to fail by the test)', {
      retriable: true,
    });
  }

  async ensureCollection(spec: CollectionSpec) {
    this.check();
    return this.inner.ensureCollection(spec);
  }
  async upsert(collection: string, points: readonly PointInput[]) {
    this.check();
    return this.inner.upsert(collection, points);
  }
  async updateVectors(collection: string, points: readonly VectorUpdate[]) {
    this.check();
    return this.inner.updateVectors(collection, points);
  }
  async retrieve(collection: string, ids: readonly string[], options?: { withVectors?: boolean }) {
    this.check();
    return this.inner.retrieve(collection, ids, options);
  }
  async search(collection: string, request: SearchRequest) {
    this.check();
    return this.inner.search(collection, request);
  }
  async readMany(collection: string, reads: readonly BatchRead[]) {
    this.check();
    return this.inner.readMany(collection, reads);
  }
  async scroll(collection: string, request: ScrollRequest) {
    this.check();
    return this.inner.scroll(collection, request);
  }
  async count(collection: string, filter?: Filter) {
    this.check();
    return this.inner.count(collection, filter);
  }
  async delete(collection: string, selector: { ids: readonly string[] } | { filter: Filter }) {
    this.check();
    return this.inner.delete(collection, selector);
  }
  close() {
    return this.inner.close();
  }
}

const USERS = 5;
const EVENTS_PER_USER = 20;
/** Refused attempts to see before judging the backoff: enough for the delay to have doubled. */
const ATTEMPTS_OBSERVED = 4;
/**
 * At most this many attempts per second on average while failing. A busy loop makes thousands;
 * any backoff that starts at 100 ms or more stays below it.
 */
const MAX_ATTEMPTS_PER_SECOND = 10;
const KAFKA_WAIT = { timeoutMs: 60_000, intervalMs: 100 } as const;

/** Done-when 4 of the production issue: the profiles store down for a while, then back. */
export function describeStoreFailing(): void {
  describe('the profiles consumer on Kafka', () => {
    describe('when its vector store fails for a while', () => {
      it(
        'backs off, commits nothing, and applies every event once when the store is back',
        kafkaTest(180_000),
        async (t) => {
          const dataDir = mkdtempSync(join(tmpdir(), 'tailor-e2e-kafka-'));
          const logger = silentLogger();
          const config = loadConfig(meshEnvSchema, {
            DATA_DIR: dataDir,
            EVENT_BUS: 'kafka',
            KAFKA_BROKERS: brokers.join(','),
            KAFKA_CLIENT_ID: 'tailor-e2e-store-failing',
          });
          // The bus as a service process opens it: production retry settings.
          const adapters = await createAdapters(config, logger);
          const store = new FailingStore(adapters.store);
          const admin = await plainAdmin('store-failing-admin');
          const producer = await plainProducer('store-failing-producer');
          let profiles: Awaited<ReturnType<typeof startProfiles>> | undefined;
          try {
            profiles = await startProfiles({
              config,
              logger,
              bus: adapters.bus,
              store,
              embedder: adapters.embedder,
              host: '127.0.0.1',
              port: 0,
            });
            // Whatever earlier runs left uncommitted is applied first, so what follows is ours.
            const before = await topicEnds(admin);
            await waitFor(() => committedUpTo(admin, PROFILES_GROUP_ID, before), {
              ...KAFKA_WAIT,
              description: 'the profiles group to catch up before the store fails',
            });

            store.failing = true;
            const users = Array.from({ length: USERS }, (_, i) => unique(`store-down-${i}`));
            // No catalog in this store: the events are counted without moving vectors, and the
            // count is what this test reads.
            const events = users.flatMap((userId) =>
              Array.from({ length: EVENTS_PER_USER }, (_, i) =>
                contractEvent(userId, `books-${String(i + 1).padStart(3, '0')}`),
              ),
            );
            // One malformed message among each user's events, so the batch the consumer is stuck
            // on holds one: it must reach the DLQ once, however often the batch is tried.
            const malformed = users.map((userId) => ({
              key: userId,
              value: `{"userId":"${userId}"`,
            }));
            await produceRaw(producer, [
              ...events.map((e) => ({ key: e.userId, value: JSON.stringify(e) })),
              ...malformed,
            ]);
            const after = await topicEnds(admin);

            await waitFor(() => store.refusals.length >= ATTEMPTS_OBSERVED, {
              ...KAFKA_WAIT,
              description: `${ATTEMPTS_OBSERVED} attempts against the failing store`,
            });
            const committed = await committedOffsets(admin, PROFILES_GROUP_ID);
            for (const [partition, start] of before) {
              const offset = committed.get(partition) ?? -1n;
              assert.ok(
                offset <= start,
                `partition ${partition}: committed ${offset} past ${start}, where our events start`,
              );
            }
            const refusals = [...store.refusals];
            const first = refusals[0]!;
            const last = refusals[refusals.length - 1]!;
            const gaps = refusals.slice(1).map((at, i) => at - refusals[i]!);
            t.diagnostic(`attempts while failing: ${refusals.length}, gaps ms: ${gaps.join(', ')}`);
            assert.ok(
              refusals.length <= 1 + ((last - first) / 1_000) * MAX_ATTEMPTS_PER_SECOND,
              `${refusals.length} attempts in ${last - first} ms is no backoff`,
            );
            assert.ok(
              gaps[gaps.length - 1]! > gaps[0]!,
              `the wait between attempts did not grow: ${gaps.join(', ')} ms`,
            );

            store.failing = false;
            await waitFor(() => committedUpTo(admin, PROFILES_GROUP_ID, after), {
              ...KAFKA_WAIT,
              description: 'the profiles group to commit every event once the store is back',
            });
            const url = profiles.url;
            const counts = await Promise.all(users.map((userId) => eventCount(url, userId)));
            assert.deepEqual(
              counts,
              users.map(() => EVENTS_PER_USER),
            );
            const values = new Set(malformed.map((m) => m.value));
            const dead = (await readDeadLetters(admin)).filter((m) =>
              values.has(m.value?.toString() ?? ''),
            );
            assert.deepEqual(
              dead.map((m) => m.value?.toString()).sort(),
              [...values].sort(),
              'each malformed message is on the DLQ once',
            );
          } finally {
            store.failing = false;
            await profiles?.close();
            await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
            await adapters.close();
            rmSync(dataDir, { recursive: true, force: true });
          }
        },
      );
    });
  });
}
