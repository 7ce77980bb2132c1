import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { loadDemoCatalog } from '@tailor/catalog';
import {
  createEmbeddedVectorStore,
  createHashedEmbedder,
  ITEMS_COLLECTION,
  loadConfig,
  PROFILES_COLLECTION,
  silentLogger,
} from '@tailor/kit';
import { waitFor } from '@tailor/kit/testing';
import { freePort, meshEnvSchema, processMain, ServiceProcess } from '@tailor/mesh';
import { PROFILES_GROUP_ID } from '@tailor/profiles';
import type { Admin, Producer } from 'kafkajs';

import { eventCounts } from '../graph.js';
import {
  brokers,
  committedOffsets,
  committedUpTo,
  type ContractEvent,
  contractEvent,
  kafkaTest,
  plainAdmin,
  plainProducer,
  produceEvents,
  skipReason,
  topicEnds,
  unique,
} from './broker.js';
import {
  type Frozen,
  frozenState,
  KILLED_SESSION_TIMEOUT_MS,
  killMidStream,
  RESTART_WAIT,
} from './kill-mid-stream.js';

const USERS = 10;
const EVENTS = 1_000;
const CHUNK = 50;

/** Puts the demo catalog in the data dir the process will open, then lets go of the store. */
async function seedItems(dataDir: string): Promise<string[]> {
  const logger = silentLogger();
  const config = loadConfig(meshEnvSchema, { DATA_DIR: dataDir });
  const store = await createEmbeddedVectorStore({ dataDir, logger });
  try {
    const embedder = createHashedEmbedder({ dimension: config.EMBEDDING_DIMENSION });
    await loadDemoCatalog({ config, logger, store, embedder });
    const page = await store.scroll(ITEMS_COLLECTION, { limit: 100 });
    return page.points.map((p) => p.id);
  } finally {
    await store.close();
  }
}

/**
 * Reads a copy of a stopped process's store (the original is left alone, as the process holds
 * it) and then the group's commits: a commit the process sent before it stopped has landed.
 */
async function inspect(dataDir: string, users: readonly string[], admin: Admin): Promise<Frozen> {
  const copy = mkdtempSync(join(tmpdir(), 'tailor-e2e-probe-'));
  try {
    cpSync(join(dataDir, 'vectors'), join(copy, 'vectors'), { recursive: true });
    const committed = await committedOffsets(admin, PROFILES_GROUP_ID);
    const store = await createEmbeddedVectorStore({ dataDir: copy, logger: silentLogger() });
    try {
      return frozenState(await store.retrieve(PROFILES_COLLECTION, users), committed);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** Done-when 3 of the production issue: SIGKILL mid-stream, restart, exact counts. */
export function describeProfilesKilled(): void {
  describe('the profiles process on Kafka', () => {
    const dirs: string[] = [];
    let admin: Admin | undefined;
    let producer: Producer | undefined;
    const processes: ServiceProcess[] = [];

    before(async () => {
      if (skipReason !== undefined) return;
      admin = await plainAdmin('sigkill-admin');
      producer = await plainProducer('sigkill-producer');
    });
    after(async () => {
      for (const p of processes) p.kill('SIGKILL');
      await Promise.all(processes.map((p) => p.exited));
      await Promise.allSettled([producer?.disconnect(), admin?.disconnect()]);
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    describe('when it is killed with SIGKILL in the middle of a stream and restarted', () => {
      it('counts exactly the events sent for each user', kafkaTest(300_000), async (t) => {
        const dataDir = mkdtempSync(join(tmpdir(), 'tailor-e2e-kafka-'));
        dirs.push(dataDir);
        const items = await seedItems(dataDir);
        assert.ok(items.length > 0, 'the demo catalog was loaded');
        const port = await freePort();
        const base = `http://127.0.0.1:${port}`;
        const url = `${base}/graphql`;
        const env = {
          EVENT_BUS: 'kafka',
          KAFKA_BROKERS: brokers.join(','),
          KAFKA_CLIENT_ID: 'tailor-e2e-sigkill',
          KAFKA_SESSION_TIMEOUT_MS: String(KILLED_SESSION_TIMEOUT_MS),
          VECTOR_STORE: 'embedded',
          DATA_DIR: dataDir,
          PROFILES_PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
        };
        const start = async () => {
          const p = new ServiceProcess({ name: 'profiles', main: processMain('profiles'), env });
          processes.push(p);
          await p.ready(base, RESTART_WAIT.timeoutMs);
          return p;
        };

        const users = Array.from({ length: USERS }, (_, i) => unique(`sigkill-${i}`));
        const events: ContractEvent[] = Array.from({ length: EVENTS }, (_, i) =>
          contractEvent(users[i % USERS]!, items[i % items.length]!, i % 7 === 0 ? 'like' : 'view'),
        );
        const chunks = Array.from({ length: EVENTS / CHUNK }, (_, i) =>
          events.slice(i * CHUNK, (i + 1) * CHUNK),
        );
        const first = await start();
        const killed = await killMidStream({
          profiles: first,
          chunks,
          produce: (chunk) => produceEvents(producer!, chunk),
          inspect: () => inspect(dataDir, users, admin!),
          countedSome: async () => (await eventCounts(url, users)).some((c) => c > 0),
        });
        assert.equal((await first.exited).signal, 'SIGKILL', first.tail());
        t.diagnostic(
          `killed with ${killed.sent} sent and ${killed.frozen.counted} counted, its store ahead ` +
            `of the group on partitions [${killed.frozen.ahead.join(', ')}]`,
        );
        assert.ok(
          killed.frozen.counted > 0 && killed.frozen.counted < EVENTS,
          `counted ${killed.frozen.counted} at kill:\n${first.tail()}`,
        );

        const ends = await topicEnds(admin!);
        const second = await start();
        await waitFor(() => committedUpTo(admin!, PROFILES_GROUP_ID, ends), {
          ...RESTART_WAIT,
          description: 'the restarted process to commit the whole stream',
        });
        assert.deepEqual(
          await eventCounts(url, users),
          users.map(() => EVENTS / USERS),
        );

        const metrics = await (await fetch(`${base}/metrics`)).text();
        const replayed =
          /tailor_profile_events_skipped_total\{[^}]*reason="replayed"[^}]*\} (\d+)/.exec(
            metrics,
          )?.[1];
        t.diagnostic(`events the restarted process skipped as replayed: ${replayed ?? '?'}`);

        second.kill('SIGTERM');
        assert.deepEqual(await second.exited, { code: 0, signal: null }, second.tail());
      });
    });
  });
}
