import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  createEmbeddedEventBus,
  createEmbeddedVectorStore,
  createUserKeyVault,
  type EventBus,
  ITEMS_COLLECTION,
  itemsCollectionSpec,
  loadConfig,
  PROFILES_COLLECTION,
  profilesCollectionSpec,
  publishUserEvents,
  silentLogger,
  USER_EVENTS_TOPIC,
  type UserKeyVault,
  type VectorStore,
} from '@tailor/kit';
import { waitFor } from '@tailor/kit/testing';
import { z } from 'zod';

import { generationEnvShape } from '../config.js';
import { type RunningGeneration, startGeneration } from '../subgraph.js';
import { profilePayload, SHOES } from '../testing/fixtures.js';

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}
interface Figures {
  impressions: number;
  clicks: number;
  conversions: number;
  reward: number;
  ctr: { rate: number; low: number; high: number };
}
interface CreativeFigures extends Figures {
  creativeId: string;
  format: string;
  angle: string;
}

const COUNTS = 'impressions clicks conversions reward ctr { rate low high }';
const USERS = ['ann', 'bob', 'cyd'];

async function post(url: string, query: string, variables = {}): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as Answer;
}

describe('creative stats in the graph', () => {
  let dataDir: string;
  let store: VectorStore;
  let bus: EventBus;
  let vault: UserKeyVault;
  let generation: RunningGeneration;

  async function descriptionOf(userId: string): Promise<{ creativeId: string; angle: string }> {
    const answer = await post(
      generation.url,
      `query($reps: [_Any!]!) { _entities(representations: $reps) {
        ... on Recommendation { description { creativeId angle } } } }`,
      {
        reps: [
          {
            __typename: 'Recommendation',
            recommendationId: `rec-${userId}`,
            userId,
            item: { id: SHOES.itemId },
          },
        ],
      },
    );
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    const [entity] = answer.data?._entities as {
      description: { creativeId: string; angle: string };
    }[];
    return entity!.description;
  }

  async function creativeStats(itemId: string): Promise<CreativeFigures[]> {
    const answer = await post(
      generation.url,
      `query($itemId: ID!) { creativeStats(itemId: $itemId) { creativeId format angle ${COUNTS} } }`,
      { itemId },
    );
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    return answer.data?.creativeStats as CreativeFigures[];
  }

  const descriptions = async () =>
    (await creativeStats(SHOES.itemId)).filter((c) => c.format === 'DESCRIPTION');
  const sum = (list: Figures[], key: 'impressions' | 'clicks') =>
    list.reduce((total, c) => total + c[key], 0);

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tailor-stats-'));
    store = await createEmbeddedVectorStore({ dataDir, logger: silentLogger() });
    await store.ensureCollection(itemsCollectionSpec(4));
    await store.ensureCollection(profilesCollectionSpec(4));
    await store.upsert(ITEMS_COLLECTION, [
      { id: SHOES.itemId, vectors: { content: [1, 0, 0, 0] }, payload: { ...SHOES } },
    ]);
    await store.upsert(
      PROFILES_COLLECTION,
      USERS.map((userId) => ({
        id: userId,
        vectors: { long: [1, 0, 0, 0], short: [0, 1, 0, 0] },
        payload: { ...profilePayload({ userId, categories: { outdoor: 3 }, tags: { hiking: 2 } }) },
      })),
    );
    bus = await createEmbeddedEventBus({ dataDir, logger: silentLogger() });
    await bus.ensureTopics([{ name: USER_EVENTS_TOPIC }]);
    vault = await createUserKeyVault({ store });
    generation = await startGeneration({
      config: loadConfig(z.object(generationEnvShape), {
        DATA_DIR: dataDir,
        GENERATION_BANDIT_SEED: '3',
      }),
      logger: silentLogger(),
      store,
      bus,
      vault,
      host: '127.0.0.1',
      port: 0,
    });
  });

  after(async () => {
    await generation.close();
    await bus.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts each shown variant and the clicks and purchases carrying its creative id', async () => {
    const shown = new Map<string, { creativeId: string; angle: string }>();
    for (const userId of USERS) shown.set(userId, await descriptionOf(userId));
    assert.equal(sum(await descriptions(), 'impressions'), USERS.length);

    const ann = shown.get('ann')!;
    await publishUserEvents(
      bus,
      [
        { eventId: 'ann-click', type: 'click' as const },
        { eventId: 'ann-buys', type: 'purchase' as const },
      ].map(({ eventId, type }) => ({
        eventId,
        userId: 'ann',
        itemId: SHOES.itemId,
        type,
        timestamp: Date.now(),
        context: { creativeId: ann.creativeId, recommendationId: 'rec-ann' },
      })),
      { vault },
    );
    await waitFor(async () => sum(await descriptions(), 'clicks') === 1, {
      description: "ann's click to be counted",
    });
    const annsCreative = (await descriptions()).find((c) => c.creativeId === ann.creativeId)!;
    assert.equal(annsCreative.angle, ann.angle);
    assert.equal(annsCreative.conversions, 1);
    assert.equal(annsCreative.reward, 1);
    assert.ok(annsCreative.ctr.low < annsCreative.ctr.rate && annsCreative.ctr.rate <= 1);

    const angles = await post(
      generation.url,
      `{ angleStats(format: DESCRIPTION) { angle ${COUNTS} } surfaceStats { surface impressions } }`,
    );
    assert.equal(angles.errors, undefined, JSON.stringify(angles.errors));
    const byAngle = angles.data?.angleStats as (Figures & { angle: string })[];
    assert.equal(sum(byAngle, 'impressions'), USERS.length);
    assert.equal(byAngle.find((a) => a.angle === ann.angle)?.clicks, 1);
    const surfaces = angles.data?.surfaceStats as { surface: string; impressions: number }[];
    // Only descriptions were asked for; the graph does not say where they are shown.
    assert.deepEqual(surfaces, [{ surface: 'any', impressions: USERS.length }]);

    const metrics = await (await fetch(`${generation.url.replace(/graphql$/, '')}metrics`)).text();
    const line = metrics
      .split('\n')
      .find(
        (l) =>
          l.startsWith('tailor_generation_creative_clicks{') &&
          l.includes('format="DESCRIPTION"') &&
          l.includes(`angle="${ann.angle.toLowerCase()}"`),
      );
    assert.ok(line?.endsWith(' 1'), `a click in /metrics: ${line}`);
    assert.ok(!metrics.includes('creativeId='), 'no creative id label');
  });

  it("takes a forgotten user's showings and clicks out of the stats", async () => {
    const before = await descriptions();
    assert.equal(sum(before, 'clicks'), 1);
    assert.equal(await vault.forget('ann'), true);
    const after = await descriptions();
    assert.equal(sum(after, 'impressions'), sum(before, 'impressions') - 1);
    assert.equal(sum(after, 'clicks'), 0);
  });

  it('refuses an item id no event could carry, naming the argument', async () => {
    const answer = await post(
      generation.url,
      `query($id: ID!) { creativeStats(itemId: $id) { creativeId } }`,
      {
        id: 'x'.repeat(129),
      },
    );
    assert.equal(answer.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(answer.errors?.[0]?.extensions?.field, 'itemId');
    const surface = await post(
      generation.url,
      `{ angleStats(surface: "${'s'.repeat(65)}") { angle } }`,
    );
    assert.equal(surface.errors?.[0]?.extensions?.field, 'surface');
  });
});
