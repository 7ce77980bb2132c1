import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { pngSize } from '@tailor/generation/testing';
import { waitFor } from '@tailor/kit/testing';

import { query, startTestMesh, type TestMesh } from './harness.js';
import { operation } from './operations.js';

interface HomeData {
  user: {
    profile: { eventCount: number };
    recommendations: {
      items: {
        item: { id: string; title: string };
        description: {
          text: string;
          provider: string;
          model: string;
          promptVersion: string;
          grounded: boolean;
        };
        ad: { headline: string; body: string; callToAction: string };
        thumbnail: { url: string; altText: string; width: number; height: number };
      }[];
    };
  };
}

interface Interests {
  user: {
    profile: { topCategories: { name: string }[]; topTags: { name: string }[] };
  };
}

const HOME = operation('Home');

/** One sample of the generation subgraph's Prometheus exposition, 0 when absent. */
async function metric(metricsUrl: string, name: string, labels: Record<string, string>) {
  const text = await (await fetch(metricsUrl)).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && wanted.every((label) => l.includes(label)));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

async function interestsOf(url: string, userId: string): Promise<string[]> {
  const data = await query<Interests>(
    url,
    'query($id: ID!) { user(id: $id) { profile { topCategories { name } topTags { name } } } }',
    { id: userId },
  );
  const { topCategories, topTags } = data.user.profile;
  return [...topCategories, ...topTags].map((t) => t.name);
}

describe('personalized content through the gateway', () => {
  let t: TestMesh;
  let url: string;
  let metricsUrl: string;

  before(async () => {
    t = await startTestMesh();
    url = t.mesh.gatewayUrl;
    metricsUrl = t.mesh.subgraphUrls.generation.replace(/\/graphql$/, '/metrics');
    for (const userId of ['demo-alice', 'demo-bob']) {
      await waitFor(
        async () =>
          (await query<HomeData>(url, HOME, { userId, first: 1 })).user.profile.eventCount > 0,
        { description: `${userId}'s history to be applied` },
      );
    }
  });
  after(async () => {
    await t.destroy();
  });

  describe('when a demo user asks for the full Home query', () => {
    it('returns a grounded description, an ad and a 640×360 PNG thumbnail for each of 5', async () => {
      const home = await query<HomeData>(url, HOME, { userId: 'demo-alice' });
      const items = home.user.recommendations.items;
      assert.equal(items.length, 5);
      for (const rec of items) {
        assert.equal(rec.description.provider, 'template');
        assert.equal(rec.description.grounded, true);
        const words = rec.description.text.split(/\s+/).length;
        assert.ok(words >= 30 && words <= 90, `${words} words: ${rec.description.text}`);
        assert.ok(rec.ad.headline.length > 0 && rec.ad.headline.length <= 40);
        assert.ok(rec.ad.body.length > 0 && rec.ad.body.length <= 125);
        assert.ok(rec.ad.callToAction.length > 0);
        assert.ok(rec.thumbnail.altText.includes(rec.item.title), rec.thumbnail.altText);
        // Served through the gateway, the one address clients use.
        const gatewayOrigin = url.replace(/\/graphql$/, '');
        assert.ok(rec.thumbnail.url.startsWith(`${gatewayOrigin}/thumbnails/`), rec.thumbnail.url);
        assert.match(rec.thumbnail.url, /\/thumbnails\/[0-9a-f]{64}\.png\?item=/);
        const res = await fetch(rec.thumbnail.url);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'image/png');
        assert.deepEqual(pngSize(Buffer.from(await res.arrayBuffer())), {
          width: 640,
          height: 360,
        });
      }
    });
  });

  describe('when two demo users with different interests get the same item', () => {
    it("writes different descriptions, each naming one of its user's interests", async () => {
      // An outdoor item tagged "cooking" matches both: Alice likes outdoor, Bob likes cooking.
      const outdoor = await query<{
        items: { nodes: { id: string; category: string; tags: string[] }[] };
      }>(url, '{ items(category: "outdoor", first: 100) { nodes { id category tags } } }');
      const item = outdoor.items.nodes.find((n) => n.tags.includes('cooking'));
      assert.ok(item, 'the demo catalog has an outdoor item tagged cooking');
      const texts = await query<{ item: { alice: { text: string }; bob: { text: string } } }>(
        url,
        `query($id: ID!) { item(id: $id) {
          alice: personalizedDescription(userId: "demo-alice") { text }
          bob: personalizedDescription(userId: "demo-bob") { text } } }`,
        { id: item.id },
      );
      const { alice, bob } = texts.item;
      assert.notEqual(alice.text, bob.text);
      const facts = new Set([item.category, ...item.tags]);
      for (const [userId, text] of [
        ['demo-alice', alice.text],
        ['demo-bob', bob.text],
      ] as const) {
        const matching = (await interestsOf(url, userId)).filter((i) => facts.has(i));
        assert.ok(matching.length > 0, `${userId} shares an interest with ${item.id}`);
        assert.ok(
          matching.some((interest) => text.includes(interest)),
          `${userId}'s text names none of ${matching.join(', ')}: ${text}`,
        );
        assert.doesNotMatch(text, /demo-(alice|bob)/);
      }
    });
  });

  describe('when the same Home query is asked twice', () => {
    it('answers the second time from the generation cache, as its metrics show', async () => {
      const hits = () =>
        metric(metricsUrl, 'tailor_generation_cache_total', { kind: 'description', result: 'hit' });
      const misses = () =>
        metric(metricsUrl, 'tailor_generation_cache_total', {
          kind: 'description',
          result: 'miss',
        });
      // demo-chloe is asked for here only, so the first answer is written, not cached.
      const first = await query<HomeData>(url, HOME, { userId: 'demo-chloe' });
      const [hitsBefore, missesBefore] = [await hits(), await misses()];
      const second = await query<HomeData>(url, HOME, { userId: 'demo-chloe' });
      assert.deepEqual(
        second.user.recommendations.items.map((r) => r.item.id),
        first.user.recommendations.items.map((r) => r.item.id),
      );
      assert.deepEqual(
        second.user.recommendations.items.map((r) => r.description.text),
        first.user.recommendations.items.map((r) => r.description.text),
      );
      assert.equal((await hits()) - hitsBefore, 5);
      assert.equal((await misses()) - missesBefore, 0);
    });
  });
});
