import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { waitFor } from '@tailor/kit/testing';

import {
  graphql,
  signToken,
  startTestMesh,
  type TestMesh,
  tokenCheckingSettings,
} from './harness.js';

const run = promisify(execFile);
const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

const JWT_SECRET = `e2e-jwt-secret-${'c'.repeat(32)}`;
const GATEWAY_SECRET = `e2e-gateway-secret-${'d'.repeat(32)}`;

const TRAINING = 'id state users interactions model { version items dimension }';
const RETRAIN = `mutation { retrainModel { ${TRAINING} } }`;
const TRAINING_BY_ID = `query($id: ID!) { modelTraining(id: $id) { ${TRAINING} } }`;
const MODEL = `{ collaborativeModel { version trainedAt items } }`;
const RECORD = `mutation($events: [UserEventInput!]!) { recordEvents(events: $events) { accepted } }`;
const FIRST_ITEMS = `{ items(first: 6) { nodes { id } } }`;
const RECOMMENDATIONS = `query($userId: ID!) {
  recommendations(userId: $userId, first: 5) { modelVersion items { item { id } } }
}`;

async function bearer(sub: string, role?: 'service'): Promise<Record<string, string>> {
  const jwt = await signToken(JWT_SECRET, sub, role === undefined ? {} : { role });
  return { authorization: `Bearer ${jwt}` };
}

interface Training {
  id: string;
  state: 'RUNNING' | 'PUBLISHED' | 'NOTHING_TO_TRAIN' | 'FAILED';
  users: number | null;
  interactions: number | null;
  model: { version: string; items: number; dimension: number } | null;
}

describe('the collaborative model through the gateway', () => {
  let t: TestMesh;
  let url: string;
  let service: Record<string, string>;

  before(async () => {
    t = await startTestMesh(
      // Only the retrain under test trains: no first-data training racing it.
      tokenCheckingSettings(JWT_SECRET, GATEWAY_SECRET, { TRAINER_INTERVAL_MINUTES: '0' }),
    );
    url = t.mesh.gatewayUrl;
    service = await bearer('importer', 'service');
  });
  after(async () => {
    await t.destroy();
  });

  it('refuses a retrain from a user token, naming the code', async () => {
    const result = await graphql(url, RETRAIN, {}, await bearer('alice'));
    assert.equal(result.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const read = await graphql(url, TRAINING_BY_ID, { id: 'any' }, await bearer('alice'));
    assert.equal(read.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });

  it('reads null for a training id it never gave', async () => {
    const result = await graphql<{ modelTraining: Training | null }>(
      url,
      TRAINING_BY_ID,
      { id: 'no-such-training' },
      service,
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    assert.equal(result.data?.modelTraining, null);
  });

  it('trains on what users did and serves the new model version', async () => {
    const items = await graphql<{ items: { nodes: { id: string }[] } }>(
      url,
      FIRST_ITEMS,
      {},
      service,
    );
    const ids = items.data?.items.nodes.map((n) => n.id) ?? [];
    assert.ok(ids.length >= 4, JSON.stringify(items.errors));
    const events = ['ann', 'bob', 'cleo'].flatMap((userId, u) =>
      ids.slice(u, u + 3).map((itemId) => ({ userId, itemId, type: 'LIKE' })),
    );
    const recorded = await graphql<{ recordEvents: { accepted: number } }>(
      url,
      RECORD,
      { events },
      service,
    );
    assert.equal(recorded.data?.recordEvents.accepted, events.length);

    let trained: Training | undefined;
    // The trainer reads the events from the bus: retrain until it has seen all three users.
    await waitFor(
      async () => {
        const started = await graphql<{ retrainModel: Training }>(url, RETRAIN, {}, service);
        assert.equal(started.errors, undefined, JSON.stringify(started.errors));
        trained = started.data?.retrainModel;
        // retrainModel answers before the training ends; modelTraining says when it has.
        while (trained?.state === 'RUNNING') {
          const polled = await graphql<{ modelTraining: Training | null }>(
            url,
            TRAINING_BY_ID,
            { id: trained.id },
            service,
          );
          assert.equal(polled.data?.modelTraining?.id, trained.id, JSON.stringify(polled));
          trained = polled.data.modelTraining;
        }
        return trained?.users === 3;
      },
      // A training of the demo catalog's users takes seconds, more on a loaded CI machine.
      { description: 'a training over the three users', timeoutMs: 60_000 },
    );
    assert.equal(trained?.state, 'PUBLISHED');
    assert.equal(trained?.interactions, events.length);
    assert.ok(trained?.model !== null && trained?.model !== undefined);
    assert.ok(trained.model.items >= 4);

    const model = await graphql<{ collaborativeModel: { version: string } | null }>(
      url,
      MODEL,
      {},
      service,
    );
    assert.equal(model.data?.collaborativeModel?.version, trained.model.version);

    // Profiles re-fold onto the new model in the background; then lists say they used it.
    const version = trained.model.version;
    await waitFor(
      async () => {
        const list = await graphql<{
          recommendations: { modelVersion: string | null; items: { item: { id: string } }[] };
        }>(url, RECOMMENDATIONS, { userId: 'ann' }, service);
        const served = list.data?.recommendations;
        return served?.modelVersion === version && served.items.length > 0;
      },
      { description: `ann's recommendations scored by model ${version}` },
    );
  });

  it('retrains from the CLI with a service token, and names the failure without one', async () => {
    const cli = path.join(REPO_ROOT, 'services', 'trainer', 'dist', 'cli.js');
    const token = service.authorization!.replace('Bearer ', '');
    const { stdout } = await run(process.execPath, [
      cli,
      'retrain',
      '--url',
      url,
      '--token',
      token,
    ]);
    const printed = JSON.parse(stdout) as Training;
    assert.equal(printed.state, 'PUBLISHED');
    assert.ok(printed.model?.version);
    await assert.rejects(run(process.execPath, [cli, 'retrain', '--url', url]), (err: Error) =>
      /retrain failed/.test(String((err as { stderr?: string }).stderr)),
    );
    await assert.rejects(
      run(process.execPath, [cli, 'retrain', '--url', url, '--token', token, '--timeout', 'x']),
      (err: Error & { code?: number; stderr?: string }) =>
        err.code === 2 && /--timeout must be a positive number/.test(String(err.stderr)),
    );
  });
});
