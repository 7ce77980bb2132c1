import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { waitFor } from '@tailor/kit/testing';

import {
  bearer,
  codesOf,
  graphql,
  signToken,
  startTestMesh,
  type TestMesh,
  tokenCheckingSettings,
} from './harness.js';
import { operation } from './operations.js';

const JWT_SECRET = `e2e-jwt-secret-${'x'.repeat(32)}`;
const GATEWAY_SECRET = `e2e-gateway-secret-${'y'.repeat(32)}`;

const HOME = operation('Home');
const RECORD_EVENTS = operation('RecordEvents');
const FORGET_USER = operation('ForgetUser');

const RECOMMENDATIONS = `query($userId: ID!) {
  recommendations(userId: $userId, first: 3) { recommendationId items { item { id } } }
}`;
const USER_RECOMMENDATIONS = `query($userId: ID!) {
  user(id: $userId) { recommendations(first: 3) { recommendationId } }
}`;
const USER_PROFILE = `query($userId: ID!) { user(id: $userId) { profile { eventCount } } }`;
const PERSONALIZED_DESCRIPTION = `query($itemId: ID!, $userId: ID!) {
  item(id: $itemId) { personalizedDescription(userId: $userId) { text } }
}`;
const UPSERT_ITEMS = `mutation($items: [ItemInput!]!) { upsertItems(items: $items) { upserted } }`;
const FIRST_ITEM = `{ items(first: 1) { nodes { id } } }`;

interface RecordEventsData {
  recordEvents: {
    accepted: number;
    errors: { index: number; field: string; message: string }[];
  };
}

/** A token as the identity provider would sign it. */
async function token(
  sub: string,
  options: { role?: 'user' | 'service'; secret?: string; expiresAt?: number } = {},
): Promise<string> {
  const { secret = JWT_SECRET, ...claims } = options;
  return signToken(secret, sub, claims);
}

/** An item input with a fresh id. */
function newLamp(): Record<string, unknown> {
  return {
    id: `auth-${randomUUID()}`,
    title: 'Desk lamp',
    description: 'A lamp for the desk.',
    category: 'home',
    price: { amount: 10, currency: 'EUR' },
  };
}

describe('auth through the gateway (AUTH_MODE=jwt)', () => {
  let t: TestMesh;
  let url: string;
  let alice: Record<string, string>;
  let importer: Record<string, string>;
  let itemId: string;

  before(async () => {
    t = await startTestMesh(tokenCheckingSettings(JWT_SECRET, GATEWAY_SECRET));
    url = t.mesh.gatewayUrl;
    alice = bearer(await token('alice'));
    importer = bearer(await token('importer', { role: 'service' }));
    const first = await graphql<{ items: { nodes: { id: string }[] } }>(url, FIRST_ITEM, {}, alice);
    const id = first.data?.items.nodes[0]?.id;
    assert.ok(id !== undefined, `no catalog item: ${JSON.stringify(first.errors)}`);
    itemId = id;
  });
  after(async () => {
    await t.destroy();
  });

  describe('when a user token reads its own user', () => {
    it('gets its recommendations', async () => {
      const result = await graphql(url, RECOMMENDATIONS, { userId: 'alice' }, alice);
      assert.equal(result.errors, undefined);
      assert.equal(result.status, 200);
    });

    it('gets the whole Home query: profile, recommendations and the copy written for it', async () => {
      const result = await graphql<{ user: { recommendations: { items: unknown[] } } }>(
        url,
        HOME,
        { userId: 'alice', first: 2 },
        alice,
      );
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      assert.equal(result.data?.user.recommendations.items.length, 2);
    });
  });

  describe('when a user token reaches for another user', () => {
    it("cannot read the other user's recommendations", async () => {
      const result = await graphql(url, RECOMMENDATIONS, { userId: 'bob' }, alice);
      assert.deepEqual(codesOf(result), ['FORBIDDEN']);
      assert.equal(result.data, null);
    });

    it("cannot read them through the other user's User entity", async () => {
      const result = await graphql(url, USER_RECOMMENDATIONS, { userId: 'bob' }, alice);
      assert.ok(codesOf(result).includes('FORBIDDEN'), JSON.stringify(result.errors));
      assert.equal(result.data, null);
    });

    it("cannot read the other user's profile", async () => {
      const result = await graphql(url, USER_PROFILE, { userId: 'bob' }, alice);
      assert.ok(codesOf(result).includes('FORBIDDEN'), JSON.stringify(result.errors));
      assert.equal(result.data, null);
    });

    it('cannot have copy written for the other user', async () => {
      const result = await graphql<{ item: { personalizedDescription: unknown } | null }>(
        url,
        PERSONALIZED_DESCRIPTION,
        { itemId, userId: 'bob' },
        alice,
      );
      assert.deepEqual(codesOf(result), ['FORBIDDEN']);
      assert.equal(result.data?.item, null);
    });

    it('cannot forget the other user', async () => {
      const result = await graphql(url, FORGET_USER, { userId: 'bob' }, alice);
      assert.deepEqual(codesOf(result), ['FORBIDDEN']);
    });

    it('gains nothing by sending the identity headers the gateway uses', async () => {
      const forged = {
        ...alice,
        'x-tailor-viewer-kind': 'service',
        'x-tailor-viewer-id': 'importer',
        'x-tailor-gateway-secret': GATEWAY_SECRET,
      };
      const result = await graphql(url, RECOMMENDATIONS, { userId: 'bob' }, forged);
      assert.deepEqual(codesOf(result), ['FORBIDDEN']);
    });

    it('records its own events and has the other user’s refused one by one', async () => {
      const events = [
        { userId: 'alice', itemId, type: 'VIEW' },
        { userId: 'bob', itemId, type: 'VIEW' },
      ];
      const result = await graphql<RecordEventsData>(url, RECORD_EVENTS, { events }, alice);
      assert.equal(result.errors, undefined);
      assert.equal(result.data?.recordEvents.accepted, 1);
      assert.deepEqual(
        result.data?.recordEvents.errors.map((e) => [e.index, e.field]),
        [[1, 'userId']],
      );
    });

    it('cannot upsert items', async () => {
      const result = await graphql(url, UPSERT_ITEMS, { items: [newLamp()] }, alice);
      assert.deepEqual(codesOf(result), ['FORBIDDEN']);
    });

    it('may forget itself', async () => {
      const me = `self-${randomUUID()}`;
      const result = await graphql<{ forgetUser: { userId: string } }>(
        url,
        FORGET_USER,
        { userId: me },
        bearer(await token(me)),
      );
      assert.equal(result.errors, undefined);
      assert.equal(result.data?.forgetUser.userId, me);
    });
  });

  describe('when the token is missing or bad', () => {
    it('refuses a request without a token with 401 UNAUTHENTICATED', async () => {
      const result = await graphql(url, RECOMMENDATIONS, { userId: 'alice' }, {});
      assert.equal(result.status, 401);
      assert.deepEqual(codesOf(result), ['UNAUTHENTICATED']);
      assert.equal(result.data, undefined);
    });

    it('refuses a token signed with another secret', async () => {
      const forged = await token('alice', { secret: `another-secret-${'z'.repeat(32)}` });
      const result = await graphql(url, RECOMMENDATIONS, { userId: 'alice' }, bearer(forged));
      assert.equal(result.status, 401);
      assert.deepEqual(codesOf(result), ['UNAUTHENTICATED']);
      assert.match(result.errors?.[0]?.message ?? '', /signature/);
    });

    it('refuses an expired token', async () => {
      const expired = await token('alice', { expiresAt: Math.floor(Date.now() / 1000) - 3600 });
      const result = await graphql(url, RECOMMENDATIONS, { userId: 'alice' }, bearer(expired));
      assert.deepEqual(codesOf(result), ['UNAUTHENTICATED']);
      assert.match(result.errors?.[0]?.message ?? '', /expired/);
    });

    it('refuses something that is not a token', async () => {
      const result = await graphql(url, RECOMMENDATIONS, { userId: 'alice' }, bearer('garbage'));
      assert.deepEqual(codesOf(result), ['UNAUTHENTICATED']);
    });
  });

  describe('when a service token acts', () => {
    it('records events for any user, and they reach the profile', async () => {
      const users = [`svc-a-${randomUUID()}`, `svc-b-${randomUUID()}`];
      const events = users.map((userId) => ({ userId, itemId, type: 'VIEW' }));
      const result = await graphql<RecordEventsData>(url, RECORD_EVENTS, { events }, importer);
      assert.equal(result.errors, undefined);
      assert.equal(result.data?.recordEvents.accepted, 2);
      for (const userId of users) {
        await waitFor(
          async () => {
            const read = await graphql<{ user: { profile: { eventCount: number } } }>(
              url,
              USER_PROFILE,
              { userId },
              importer,
            );
            return read.data?.user.profile.eventCount === 1;
          },
          { description: `the event of ${userId} to reach the profile` },
        );
      }
    });

    it('upserts items', async () => {
      const result = await graphql<{ upsertItems: { upserted: number } }>(
        url,
        UPSERT_ITEMS,
        { items: [newLamp()] },
        importer,
      );
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      assert.equal(result.data?.upsertItems.upserted, 1);
    });

    it('forgets any user', async () => {
      const result = await graphql<{ forgetUser: { userId: string } }>(
        url,
        FORGET_USER,
        {
          userId: 'bob',
        },
        importer,
      );
      assert.equal(result.errors, undefined);
      assert.equal(result.data?.forgetUser.userId, 'bob');
    });
  });

  describe('when a subgraph is called directly', () => {
    it('refuses a caller without the gateway secret, whatever viewer it claims', async () => {
      const forged = { 'x-tailor-viewer-kind': 'service', 'x-tailor-viewer-id': 'me' };
      for (const subgraphUrl of Object.values(t.mesh.subgraphUrls)) {
        const response = await fetch(subgraphUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...forged },
          body: JSON.stringify({ query: FORGET_USER, variables: { userId: 'bob' } }),
        });
        assert.equal(response.status, 401, subgraphUrl);
        const body = (await response.json()) as { error?: { code?: string } };
        assert.equal(body.error?.code, 'UNAUTHENTICATED', subgraphUrl);
      }
    });

    it('refuses POST /v1/events without the secret and accepts it with', async () => {
      const restUrl = t.mesh.subgraphUrls.events.replace(/\/graphql$/, '/v1/events');
      const event = { userId: `rest-${randomUUID()}`, itemId, type: 'view', timestamp: Date.now() };
      const refused = await fetch(restUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([event]),
      });
      assert.equal(refused.status, 401);
      const accepted = await fetch(restUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tailor-gateway-secret': GATEWAY_SECRET },
        body: JSON.stringify([event]),
      });
      assert.equal(accepted.status, 202);
    });
  });
});
