import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { waitFor } from '@tailor/kit/testing';

import {
  FORGET_USER,
  HOME,
  type HomeData,
  itemsOfCategory,
  RECORD_EVENTS,
  type RecordEventsData,
} from './graph.js';
import { graphql, query, startTestMesh, type TestMesh } from './harness.js';

async function profileOf(url: string, userId: string) {
  const data = await query<HomeData>(url, HOME, { userId });
  return data.user.profile;
}

describe('the embedded mesh through the gateway', () => {
  let t: TestMesh;
  let url: string;

  before(async () => {
    t = await startTestMesh();
    url = t.mesh.gatewayUrl;
  });
  after(async () => {
    await t.destroy();
  });

  describe('when a demo user opens the home page', () => {
    it('returns 5 personalized recommendations with items, scores and reasons', async () => {
      await waitFor(async () => (await profileOf(url, 'demo-alice')).eventCount > 0, {
        description: 'demo-alice history to be applied',
      });
      const home = await query<HomeData>(url, HOME, { userId: 'demo-alice' });
      const list = home.user.recommendations;
      assert.equal(list.strategy, 'PERSONALIZED');
      assert.equal(list.items.length, 5);
      assert.match(list.recommendationId, /^[0-9a-f-]{36}$/);
      for (const rec of list.items) {
        assert.ok(rec.item.title.length > 0);
        assert.ok(Number.isFinite(rec.score));
        assert.ok(rec.reasons.length > 0 && rec.reasons.every((r) => r.length > 0));
      }
      const top = home.user.profile.topCategories.map((c) => c.name);
      assert.ok(
        top.includes('outdoor') || top.includes('sports'),
        `top categories: ${top.join(', ')}`,
      );
      const fromInterests = list.items.filter((r) =>
        ['outdoor', 'sports'].includes(r.item.category),
      );
      assert.ok(fromInterests.length >= 3, `only ${fromInterests.length} of 5 from outdoor/sports`);
    });
  });

  describe('when an unknown user opens the home page', () => {
    it('returns 5 trending items', async () => {
      const home = await query<HomeData>(url, HOME, { userId: `stranger-${randomUUID()}` });
      assert.equal(home.user.profile.eventCount, 0);
      assert.equal(home.user.recommendations.strategy, 'TRENDING');
      assert.equal(home.user.recommendations.items.length, 5);
      assert.ok(home.user.recommendations.items.every((r) => r.reasons.length > 0));
    });
  });

  describe('when a new user views and buys items of one category', () => {
    it('makes it the top category and recommends unseen items from it', async () => {
      const userId = `shopper-${randomUUID()}`;
      const category = 'kitchen';
      const seen = await itemsOfCategory(url, category, 6);
      assert.equal(seen.length, 6);
      const events = seen.map((itemId, i) => ({
        userId,
        itemId,
        type: i === 5 ? 'PURCHASE' : 'VIEW',
      }));
      const recorded = await query<RecordEventsData>(url, RECORD_EVENTS, { events });
      assert.equal(recorded.recordEvents.accepted, 6);

      const profile = await waitFor(
        async () => {
          const p = await profileOf(url, userId);
          return p.eventCount === 6 ? p : undefined;
        },
        { description: 'the 6 events to reach the profile' },
      );
      assert.equal(profile.topCategories[0]?.name, category);

      const home = await query<HomeData>(url, HOME, { userId });
      const items = home.user.recommendations.items;
      assert.equal(home.user.recommendations.strategy, 'PERSONALIZED');
      assert.equal(items.length, 5);
      const inCategory = items.filter((r) => r.item.category === category).length;
      assert.ok(inCategory >= 3, `only ${inCategory} of 5 from ${category}`);
      for (const rec of items)
        assert.ok(!seen.includes(rec.item.id), `${rec.item.id} was already seen`);
    });
  });

  describe('when a batch mixes valid and invalid events', () => {
    it('accepts the valid ones, names the bad field, and applies only the valid ones', async () => {
      const userId = `mixed-${randomUUID()}`;
      const [a, b] = await itemsOfCategory(url, 'books', 2);
      const result = await query<RecordEventsData>(url, RECORD_EVENTS, {
        events: [
          { userId, itemId: a, type: 'VIEW' },
          { userId, type: 'LIKE' },
          { userId, itemId: b, type: 'RATING', value: 5 },
        ],
      });
      assert.equal(result.recordEvents.accepted, 2);
      assert.equal(result.recordEvents.eventIds.length, 2);
      assert.deepEqual(
        result.recordEvents.errors.map((e) => [e.index, e.field]),
        [[1, 'itemId']],
      );
      await waitFor(async () => (await profileOf(url, userId)).eventCount === 2, {
        description: 'the two valid events to be applied',
      });
    });
  });

  describe('when a request is too large', () => {
    it('refuses a batch over the limit with a code naming the field, and publishes nothing', async () => {
      const userId = `flood-${randomUUID()}`;
      const events = Array.from({ length: 501 }, () => ({
        userId,
        itemId: 'books-001',
        type: 'VIEW',
      }));
      const result = await graphql(url, RECORD_EVENTS, { events });
      assert.equal(result.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.equal(result.errors?.[0]?.extensions?.field, 'events');
      assert.equal((await profileOf(url, userId)).eventCount, 0);
    });

    it('answers 413 to a body over the gateway limit', async () => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }', padding: 'x'.repeat(1_100_000) }),
      });
      assert.equal(response.status, 413);
      const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
      assert.equal(body.errors[0]?.extensions.code, 'PAYLOAD_TOO_LARGE');
    });

    it('answers 413 to a REST batch over the limit', async () => {
      const restUrl = t.mesh.subgraphUrls.events.replace(/\/graphql$/, '/v1/events');
      const events = Array.from({ length: 501 }, (_, i) => ({
        userId: 'rest-flood',
        itemId: 'books-001',
        type: 'view',
        timestamp: Date.now() - i,
      }));
      const response = await fetch(restUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(events),
      });
      assert.equal(response.status, 413);
    });
  });

  describe('when a user asks to be forgotten', () => {
    it('erases the profile and serves them as a cold-start user', async () => {
      await waitFor(async () => (await profileOf(url, 'demo-bob')).eventCount > 0, {
        description: 'demo-bob history to be applied',
      });
      const forgot = await query<{ forgetUser: { userId: string; forgotten: boolean } }>(
        url,
        FORGET_USER,
        {
          userId: 'demo-bob',
        },
      );
      assert.deepEqual(forgot.forgetUser, { userId: 'demo-bob', forgotten: true });
      const home = await query<HomeData>(url, HOME, { userId: 'demo-bob' });
      assert.equal(home.user.profile.eventCount, 0);
      assert.deepEqual(home.user.profile.topCategories, []);
      assert.equal(home.user.recommendations.strategy, 'TRENDING');
    });
  });
});
