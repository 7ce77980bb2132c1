// The mesh on a real Qdrant server that is killed under traffic and started again on the same
// storage: ingest keeps accepting (the profile updater retries its batch until the store is
// back), Home keeps answering with the labelled fallback list, and personalization returns
// once the server does.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { waitFor } from '@tailor/kit/testing';
import { freePort } from '@tailor/mesh';

import { graphql, query, startTestMesh, type TestMesh } from './harness.js';
import { operation } from './operations.js';
import { sigkill } from './processes.js';

const HOME = operation('Home');
const RECORD_EVENTS = operation('RecordEvents');
const PROFILE = 'query($userId: ID!) { user(id: $userId) { profile { eventCount } } }';

const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
/** The binary infra/qdrant/start.sh runs. */
const QDRANT_BIN = process.env.QDRANT_BIN ?? resolve(REPO_ROOT, '../shared/bin/qdrant');
const SKIP = existsSync(QDRANT_BIN)
  ? undefined
  : `no Qdrant binary at ${QDRANT_BIN} (set QDRANT_BIN); this test must kill a real server`;

interface HomeData {
  user: {
    profile: { eventCount: number } | null;
    recommendations: {
      strategy: string;
      fallback: { reason: string; message: string } | null;
      items: { item: { id: string; title: string }; description: { text: string } }[];
    };
  };
}

/**
 * One Qdrant server on fixed ports and a storage folder of the test's own, so it can be killed
 * and started again on the same data (infra/qdrant/start.sh makes a fresh folder each time).
 */
class QdrantServer {
  private process: ChildProcess | null = null;
  readonly url: string;

  constructor(
    private readonly dir: string,
    private readonly httpPort: number,
    private readonly grpcPort: number,
  ) {
    this.url = `http://127.0.0.1:${httpPort}`;
  }

  async start(): Promise<void> {
    mkdirSync(join(this.dir, 'storage'), { recursive: true });
    this.process = spawn(QDRANT_BIN, [], {
      cwd: this.dir,
      stdio: 'ignore',
      env: {
        ...process.env,
        QDRANT__SERVICE__HOST: '127.0.0.1',
        QDRANT__SERVICE__HTTP_PORT: String(this.httpPort),
        QDRANT__SERVICE__GRPC_PORT: String(this.grpcPort),
        QDRANT__STORAGE__STORAGE_PATH: join(this.dir, 'storage'),
        QDRANT__STORAGE__SNAPSHOTS_PATH: join(this.dir, 'snapshots'),
        QDRANT__STORAGE__TEMP_PATH: join(this.dir, 'tmp'),
        QDRANT__TELEMETRY_DISABLED: 'true',
        QDRANT__LOG_LEVEL: 'WARN',
      },
    });
    await waitFor(
      async () => (await fetch(`${this.url}/readyz`).catch(() => undefined))?.ok === true,
      { timeoutMs: 30_000, description: 'Qdrant to be ready' },
    );
  }

  /** SIGKILL: no flush, no goodbye, as a crash or an OOM kill. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = null;
    await sigkill(child);
  }
}

describe('the mesh when Qdrant dies under traffic', { skip: SKIP, timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tailor-degraded-'));
  let qdrant: QdrantServer;
  let mesh: TestMesh;
  let url: string;
  const userId = `degraded-${randomUUID()}`;
  /** eventIds the mesh acknowledged for the user. */
  const accepted: string[] = [];
  let sent = 0;

  /** True when the event was accepted, else the errors. */
  const record = async (itemId: string): Promise<true | string> => {
    sent += 1;
    const answer = await graphql<{ recordEvents: { eventIds: string[] } }>(url, RECORD_EVENTS, {
      events: [{ userId, itemId, type: 'VIEW', eventId: `${userId}-${sent}` }],
    });
    if (answer.data?.recordEvents === undefined) return JSON.stringify(answer.errors);
    accepted.push(...answer.data.recordEvents.eventIds);
    return true;
  };
  const home = () => graphql<HomeData>(url, HOME, { userId, first: 5 });

  /** Home requests fired throughout the outage by two clients, each answer with its times. */
  const traffic: { startedAt: number; endedAt: number; answered: boolean }[] = [];
  let trafficRunning = false;
  let trafficDone: Promise<unknown> = Promise.resolve();
  const startTraffic = () => {
    trafficRunning = true;
    const client = async () => {
      while (trafficRunning) {
        const startedAt = Date.now();
        const answer = await home().catch(() => undefined);
        const list = answer?.data?.user?.recommendations;
        traffic.push({ startedAt, endedAt: Date.now(), answered: (list?.items.length ?? 0) > 0 });
      }
    };
    trafficDone = Promise.all([client(), client()]);
  };

  before(async () => {
    qdrant = new QdrantServer(dir, await freePort(), await freePort());
    await qdrant.start();
    mesh = await startTestMesh({
      VECTOR_STORE: 'qdrant',
      QDRANT_URL: qdrant.url,
      QDRANT_COLLECTION_PREFIX: `degraded_${randomUUID().slice(0, 8)}_`,
    });
    url = mesh.mesh.gatewayUrl;
  });

  after(async () => {
    trafficRunning = false;
    await trafficDone;
    await mesh?.destroy();
    await qdrant?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is personalized while Qdrant is up', async () => {
    for (const itemId of ['garden-001', 'garden-002', 'garden-003', 'garden-004']) {
      assert.equal(await record(itemId), true);
    }
    await waitFor(
      async () => (await query<HomeData>(url, PROFILE, { userId })).user.profile?.eventCount === 4,
      { timeoutMs: 30_000, description: 'the first events applied' },
    );
    const answer = await home();
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    assert.equal(answer.data!.user.recommendations.strategy, 'PERSONALIZED');
    assert.equal(answer.data!.user.recommendations.fallback, null);
  });

  let fallbackSeenAt = 0;
  let restartedAt = 0;

  it('keeps accepting events and answers Home with the labelled fallback while it is down', async () => {
    startTraffic();
    await qdrant.kill();
    for (const itemId of ['garden-005', 'garden-006', 'garden-007']) {
      assert.equal(await record(itemId), true, 'ingest goes on for a user already seen');
    }
    // The first requests find out the store is gone; once the breaker is open every Home is
    // the fallback, answered without waiting on the dead server.
    const degraded = await waitFor(
      async () => {
        const answer = await home();
        return answer.data?.user?.recommendations?.fallback !== null &&
          answer.data?.user?.recommendations?.fallback !== undefined
          ? answer
          : undefined;
      },
      { timeoutMs: 20_000, description: 'Home to answer with the fallback' },
    );
    fallbackSeenAt = Date.now();
    for (let i = 0; i < 5; i += 1) {
      const answer = i === 0 ? degraded : await home();
      const list = answer.data?.user?.recommendations;
      assert.ok(list !== undefined, JSON.stringify(answer.errors));
      assert.equal(list.fallback?.reason, 'VECTOR_STORE_UNAVAILABLE');
      assert.ok(list.items.length > 0, 'the fallback list has items');
      for (const pick of list.items) {
        assert.ok(pick.item.title.length > 0, 'item facts still answer');
        assert.ok(pick.description.text.length > 0, 'copy is still written');
      }
      assert.equal(answer.data!.user.profile, null, 'the profile cannot be read');
      for (const error of answer.errors ?? []) {
        assert.equal(error.extensions?.['code'], 'SERVICE_UNAVAILABLE', JSON.stringify(error));
        assert.doesNotMatch(error.message, /127\.0\.0\.1|qdrant|http:/i);
      }
    }
    const ready = (await (await fetch(new URL('/readyz', url))).json()) as {
      status: string;
      degraded?: string[];
    };
    assert.deepEqual(ready, { status: 'degraded', degraded: ['vector-store'] });
    assert.equal((await fetch(new URL('/healthz', url))).status, 200, 'liveness stays up');
  });

  it('comes back personalized after the restart, every accepted event applied once', async () => {
    restartedAt = Date.now();
    await qdrant.start();
    assert.equal(await record('garden-008'), true);
    await waitFor(
      async () => {
        const answer = await home();
        return answer.data?.user?.recommendations?.fallback === null;
      },
      { timeoutMs: 30_000, description: 'personalization to return' },
    );
    await waitFor(
      async () =>
        (await query<HomeData>(url, PROFILE, { userId })).user.profile?.eventCount ===
        accepted.length,
      { timeoutMs: 60_000, description: `all ${accepted.length} accepted events applied` },
    );
    assert.equal(new Set(accepted).size, accepted.length);
    assert.equal(accepted.length, 8);
    const ready = (await (await fetch(new URL('/readyz', url))).json()) as { status: string };
    assert.equal(ready.status, 'ready');
    trafficRunning = false;
    await trafficDone;
    // From the first fallback answer to the restart, every Home of the two clients answered.
    const outage = traffic.filter((t) => t.startedAt >= fallbackSeenAt && t.endedAt <= restartedAt);
    assert.ok(outage.length > 0, 'traffic ran during the outage');
    assert.deepEqual(
      outage.filter((t) => !t.answered),
      [],
      `${outage.length} Home requests during the outage`,
    );
  });
});
