import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { waitFor } from '@tailor/kit/testing';

import { eventCount, FORGET_USER, RECORD_EVENTS, type RecordEventsData } from './graph.js';
import { everyFileUnder, query, startTestMesh, type TestMesh } from './harness.js';

describe('forgetUser on the embedded mesh', () => {
  let t: TestMesh;
  const userId = `forget-${randomUUID()}`;
  const eventIds = [1, 2, 3].map((i) => `forget-event-${i}-${randomUUID()}`);

  before(async () => {
    t = await startTestMesh({ MESH_SEED_DEMO_USERS: 'false' });
  });
  after(async () => {
    await t.destroy();
  });

  it('leaves no plaintext of the user or their events under DATA_DIR, and a replay rebuilds nothing', async () => {
    const url = t.mesh.gatewayUrl;
    const recorded = await query<RecordEventsData>(url, RECORD_EVENTS, {
      events: eventIds.map((eventId) => ({ eventId, userId, itemId: 'books-001', type: 'LIKE' })),
    });
    assert.equal(recorded.recordEvents.accepted, 3);
    await waitFor(async () => (await eventCount(url, userId)) === 3, {
      description: 'the three events to reach the profile',
    });
    // Before forgetting, the profile store holds the id: the check below can find it.
    assert.ok(everyFileUnder(t.dataDir).includes(userId));

    const forgot = await query<{ forgetUser: { forgotten: boolean } }>(url, FORGET_USER, {
      userId,
    });
    assert.equal(forgot.forgetUser.forgotten, true);

    const files = everyFileUnder(t.dataDir);
    for (const secret of [userId, ...eventIds]) {
      assert.ok(!files.includes(secret), `${secret} is still in the clear under DATA_DIR`);
    }

    // A restart replays the whole log into the profiles and trending: nothing comes back.
    await t.stop();
    t = await startTestMesh({ MESH_SEED_DEMO_USERS: 'false' }, t.dataDir);
    const again = t.mesh.gatewayUrl;
    assert.equal(await eventCount(again, userId), 0);

    // Their next event starts a fresh history.
    await query<RecordEventsData>(again, RECORD_EVENTS, {
      events: [{ userId, itemId: 'books-002', type: 'VIEW' }],
    });
    await waitFor(async () => (await eventCount(again, userId)) === 1, {
      description: 'the new event to start a fresh profile',
    });
  });
});
