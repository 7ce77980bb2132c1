import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
const CLI = path.join(REPO_ROOT, 'services', 'events', 'dist', 'cli.js');

const JWT_SECRET = `e2e-jwt-secret-${'i'.repeat(32)}`;
const GATEWAY_SECRET = `e2e-gateway-secret-${'j'.repeat(32)}`;

const IMPORT = `mutation($events: [UserEventInput!]!) {
  importEvents(events: $events) { accepted errors { index field message } }
}`;
const EVENT_COUNT = `query($id: ID!) { user(id: $id) { profile { eventCount } } }`;
const FIRST_ITEMS = `{ items(first: 4) { nodes { id } } }`;

/** What the CLI printed and the status it ended with. */
async function importFile(
  file: string,
  url: string,
  token?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = [
    CLI,
    '--file',
    file,
    '--url',
    url,
    ...(token === undefined ? [] : ['--token', token]),
  ];
  try {
    const { stdout, stderr } = await run(process.execPath, args);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('importing history through the gateway', () => {
  let t: TestMesh;
  let url: string;
  let service: string;
  let dir: string;
  let items: string[];

  before(async () => {
    t = await startTestMesh(tokenCheckingSettings(JWT_SECRET, GATEWAY_SECRET));
    url = t.mesh.gatewayUrl;
    service = await signToken(JWT_SECRET, 'importer', { role: 'service' });
    dir = mkdtempSync(path.join(tmpdir(), 'tailor-e2e-import-'));
    const listed = await graphql<{ items: { nodes: { id: string }[] } }>(
      url,
      FIRST_ITEMS,
      {},
      {
        authorization: `Bearer ${service}`,
      },
    );
    items = listed.data?.items.nodes.map((n) => n.id) ?? [];
    assert.equal(items.length, 4, JSON.stringify(listed.errors));
  });
  after(async () => {
    await t.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  async function eventCount(userId: string): Promise<number | undefined> {
    const result = await graphql<{ user: { profile: { eventCount: number } } }>(
      url,
      EVENT_COUNT,
      { id: userId },
      { authorization: `Bearer ${service}` },
    );
    return result.data?.user.profile.eventCount;
  }

  it('refuses an import from a user token, naming the code', async () => {
    const result = await graphql(
      url,
      IMPORT,
      {
        events: [
          { userId: 'ann', itemId: items[0], type: 'VIEW', timestamp: '2009-05-17T12:00:00Z' },
        ],
      },
      { authorization: `Bearer ${await signToken(JWT_SECRET, 'ann')}` },
    );
    assert.equal(result.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });

  it('imports years-old events from a file with the CLI, naming each refused line', async () => {
    const user = 'migrant-1';
    const old = Date.parse('2009-05-17T12:00:00Z');
    const lines = [
      ...items.map((itemId, i) =>
        JSON.stringify({
          userId: user,
          itemId,
          type: 'rating',
          value: 4 + (i % 2),
          timestamp: old + i * 60_000,
        }),
      ),
      JSON.stringify({
        userId: user,
        itemId: items[0],
        type: 'view',
        timestamp: Date.now() + 86_400_000,
      }),
      '{"userId": "migrant-1", broken',
    ];
    const file = path.join(dir, 'history.jsonl');
    writeFileSync(file, lines.join('\n'));

    const first = await importFile(file, url, service);
    assert.equal(first.code, 3, first.stderr);
    assert.deepEqual(JSON.parse(first.stdout), { records: 6, imported: 4, refused: 2 });
    assert.match(first.stderr, /line 5: timestamp: timestamp is more than 5 minutes in the future/);
    assert.match(first.stderr, /line 6: \(line\): not valid JSON/);
    await waitFor(async () => (await eventCount(user)) === 4, {
      description: 'the four imported events in the profile',
    });

    // Again, with one new event at the end: the repeats keep their derived ids and are applied
    // once; the new event, after them in the user's log, shows when they have been read.
    lines.push(
      JSON.stringify({ userId: user, itemId: items[1], type: 'like', timestamp: old + 3_600_000 }),
    );
    writeFileSync(file, lines.join('\n'));
    const again = await importFile(file, url, service);
    assert.equal(again.code, 3, again.stderr);
    await waitFor(async () => (await eventCount(user)) === 5, {
      description: 'the one new event, and no repeat counted twice',
    });
  });

  it('stops with status 1 and a reason when the token may not import', async () => {
    const file = path.join(dir, 'one.csv');
    writeFileSync(
      file,
      `userId,itemId,type,timestamp\nbob,${items[0]},view,2010-01-01T00:00:00Z\n`,
    );
    const result = await importFile(file, url, await signToken(JWT_SECRET, 'bob'));
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /import stopped: the batch from line 2 was not imported .*FORBIDDEN/,
    );
  });
});
