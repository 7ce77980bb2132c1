import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { loadDemoCatalog } from '@tailor/catalog';
import {
  createEmbeddedVectorStore,
  createHashedEmbedder,
  ITEMS_COLLECTION,
  loadConfig,
  type ProfilePayload,
  PROFILES_COLLECTION,
  silentLogger,
} from '@tailor/kit';
import { waitFor } from '@tailor/kit/testing';
import { meshEnvSchema } from '@tailor/mesh';
import { PROFILES_GROUP_ID } from '@tailor/profiles';
import type { Admin, Producer } from 'kafkajs';

import { query } from '../harness.js';
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

const PROFILES_MAIN = fileURLToPath(
  new URL('../../../../services/profiles/dist/main.js', import.meta.url),
);

const USERS = 10;
const EVENTS = 1_000;
const CHUNK = 50;
/**
 * A restarted member waits for the killed one to miss its session (30 s in the Kafka bus)
 * before the group hands it the partitions.
 */
const RESTART_WAIT = { timeoutMs: 120_000, intervalMs: 100 } as const;
const KAFKA_WAIT = { timeoutMs: 60_000, intervalMs: 50 } as const;
/** Lines of a process's output kept to explain a failure. */
const OUTPUT_TAIL_LINES = 40;

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** `node services/profiles/dist/main.js`, as a deployment runs it, with its output kept. */
class ProfilesProcess {
  private readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--enable-source-maps', PROFILES_MAIN], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        this.output.push(...chunk.split('\n').filter((l) => l !== ''));
        this.output.splice(0, Math.max(0, this.output.length - OUTPUT_TAIL_LINES));
      });
    }
    this.exited = once(this.child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  tail(): string {
    return this.output.join('\n');
  }

  /** Resolves once `/readyz` answers 200; rejects at once if the process exits first. */
  async ready(base: string): Promise<void> {
    const exited = this.exited.then(({ code, signal }) => {
      throw new Error(`profiles exited (code ${code}, signal ${signal}):\n${this.tail()}`);
    });
    const ready = waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, {
      ...RESTART_WAIT,
      description: 'the profiles process to be ready',
    });
    await Promise.race([ready, exited]);
  }

  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** Resolves once the kernel shows the process stopped (Linux `/proc`; elsewhere at once). */
  async stopped(): Promise<void> {
    const stat = `/proc/${this.child.pid}/stat`;
    if (!existsSync(stat)) return;
    await waitFor(
      () => {
        // The state follows the command name, which is in parentheses and may hold spaces.
        const text = readFileSync(stat, 'utf8');
        return text.slice(text.lastIndexOf(')') + 2).startsWith('T');
      },
      { timeoutMs: 5_000, intervalMs: 1, description: 'the process to stop' },
    );
  }
}

/** One request for every user's event count: the aliased `user` fields of the subgraph. */
async function counts(url: string, users: readonly string[]): Promise<number[]> {
  const vars = users.map((_, i) => `$u${i}: ID!`).join(', ');
  const fields = users.map((_, i) => `u${i}: user(id: $u${i}) { profile { eventCount } }`);
  const data = await query<Record<string, { profile: { eventCount: number } }>>(
    url,
    `query(${vars}) { ${fields.join(' ')} }`,
    Object.fromEntries(users.map((id, i) => [`u${i}`, id])),
  );
  return users.map((_, i) => data[`u${i}`]?.profile.eventCount ?? Number.NaN);
}

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

/** What a frozen process had done: events counted, and where its store is ahead of the group. */
interface Frozen {
  counted: number;
  /**
   * Partitions where the store holds an event the group has not committed: killed now, the
   * process gets those events again at restart, and only the offsets kept with each profile
   * stop them counting twice.
   */
  ahead: number[];
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
      const points = await store.retrieve(PROFILES_COLLECTION, users);
      let counted = 0;
      const ahead = new Set<number>();
      for (const point of points) {
        const payload = point.payload as unknown as ProfilePayload;
        counted += payload.eventCount;
        for (const [partition, offset] of Object.entries(payload.offsets)) {
          if (BigInt(offset) >= (committed.get(Number(partition)) ?? -1n)) {
            ahead.add(Number(partition));
          }
        }
      }
      return { counted, ahead: [...ahead].sort() };
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
    const processes: ProfilesProcess[] = [];

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
          VECTOR_STORE: 'embedded',
          DATA_DIR: dataDir,
          PROFILES_PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
        };
        const start = async () => {
          const p = new ProfilesProcess(env);
          processes.push(p);
          await p.ready(base);
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
        const freezeAndInspect = async () => {
          first.kill('SIGSTOP');
          await first.stopped();
          return inspect(dataDir, users, admin!);
        };
        let sent = 0;
        let sentAtKill = 0;
        let atKill: Frozen | undefined;
        for (const [index, chunk] of chunks.entries()) {
          if (atKill === undefined && index === chunks.length - 1) {
            // Never caught with its store ahead of the group: killed anyway, before the end.
            await waitFor(async () => (await counts(url, users)).some((c) => c > 0), {
              ...KAFKA_WAIT,
              description: 'the profiles process to count its first events',
            });
            atKill = await freezeAndInspect();
            sentAtKill = sent;
            first.kill('SIGKILL');
          }
          await produceEvents(producer!, chunk);
          sent += chunk.length;
          if (atKill !== undefined) continue;
          // Frozen at some point of its work, the process is killed if it has written what the
          // group has not committed: the moment where a restart could count events twice.
          const seen = await freezeAndInspect();
          if (seen.counted > 0 && seen.ahead.length > 0) {
            atKill = seen;
            sentAtKill = sent;
            first.kill('SIGKILL');
          } else {
            first.kill('SIGCONT');
          }
        }
        assert.equal((await first.exited).signal, 'SIGKILL', first.tail());
        assert.ok(atKill !== undefined);
        t.diagnostic(
          `killed with ${sentAtKill} sent and ${atKill.counted} counted, its store ahead of ` +
            `the group on partitions [${atKill.ahead.join(', ')}]`,
        );
        assert.ok(
          atKill.counted > 0 && atKill.counted < EVENTS,
          `counted ${atKill.counted} at kill:\n${first.tail()}`,
        );

        const ends = await topicEnds(admin!);
        const second = await start();
        await waitFor(() => committedUpTo(admin!, PROFILES_GROUP_ID, ends), {
          ...RESTART_WAIT,
          description: 'the restarted process to commit the whole stream',
        });
        assert.deepEqual(
          await counts(url, users),
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
