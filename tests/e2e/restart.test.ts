import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';

import { waitFor } from '@tailor/kit/testing';

import { query, startTestMesh } from './harness.js';
import { operation } from './operations.js';

const RECORD_EVENTS = operation('RecordEvents');
const PROFILE =
  'query($userId: ID!) { user(id: $userId) { profile { eventCount topCategories { name } } } }';
const ITEM_COUNT = '{ items(first: 1) { totalCount } }';

interface ProfileData {
  user: { profile: { eventCount: number; topCategories: { name: string }[] } };
}

describe('the embedded mesh across a restart', () => {
  describe('when it is stopped right after accepting events and started again', () => {
    it('keeps items, profiles and every accepted event', async () => {
      const first = await startTestMesh();
      try {
        const url = first.mesh.gatewayUrl;
        const userId = `returning-${randomUUID()}`;
        const items = (await query<{ items: { totalCount: number } }>(url, ITEM_COUNT)).items
          .totalCount;
        assert.ok(items >= 300, `demo catalog has ${items} items`);

        await query(url, RECORD_EVENTS, {
          events: [
            { userId, itemId: 'garden-001', type: 'VIEW' },
            { userId, itemId: 'garden-002', type: 'LIKE' },
          ],
        });
        await waitFor(
          async () =>
            (await query<ProfileData>(url, PROFILE, { userId })).user.profile.eventCount === 2,
          {
            description: 'the first two events to be applied',
          },
        );
        // Accepted but maybe not yet applied when the mesh stops: the log must carry them over.
        await query(url, RECORD_EVENTS, {
          events: [
            { userId, itemId: 'garden-003', type: 'PURCHASE' },
            { userId, itemId: 'garden-004', type: 'VIEW' },
          ],
        });
        await first.stop();

        const second = await startTestMesh({}, first.dataDir);
        try {
          const url2 = second.mesh.gatewayUrl;
          const again = (await query<{ items: { totalCount: number } }>(url2, ITEM_COUNT)).items
            .totalCount;
          assert.equal(again, items);
          const profile = await waitFor(
            async () => {
              const p = (await query<ProfileData>(url2, PROFILE, { userId })).user.profile;
              return p.eventCount === 4 ? p : undefined;
            },
            { description: 'all four accepted events to be in the profile after restart' },
          );
          assert.equal(profile.topCategories[0]?.name, 'garden');
        } finally {
          await second.destroy();
        }
      } finally {
        await first.destroy();
      }
    });
  });
});
