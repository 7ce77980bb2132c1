import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  CF_VECTOR,
  type ConsumedEvent,
  createEmbeddedVectorStore,
  CURRENT_MODEL_ID,
  dot,
  ITEM_VECTOR,
  ITEMS_COLLECTION,
  MODEL_GRAM_VECTOR,
  MODELS_COLLECTION,
  PROFILES_COLLECTION,
  silentLogger,
  type UserEvent,
  type VectorStore,
} from '@tailor/kit';

import { createProfileMetrics } from './metrics.js';
import { ProfileService } from './profile.service.js';
import { DIMENSION, SETTINGS, T0 } from './testing/fixtures.js';

const K = SETTINGS.cfDimension;
const logger = silentLogger();

/** Item factors on the axes, scaled: item-0..3 each own one direction of taste. */
function factors(scale: number): Map<string, number[]> {
  return new Map(
    [0, 1, 2, 3].map((i) => [
      `item-${i}`,
      Array.from({ length: K }, (_, d) => (d === i ? scale : 0)),
    ]),
  );
}

async function publish(store: VectorStore, version: string, items: Map<string, number[]>) {
  await store.updateVectors(
    ITEMS_COLLECTION,
    [...items].map(([id, f]) => ({ id, vectors: { [CF_VECTOR]: f } })),
  );
  const gram = new Array<number>(K * K).fill(0);
  for (const f of items.values()) {
    for (let r = 0; r < K; r += 1) for (let c = 0; c < K; c += 1) gram[r * K + c]! += f[r]! * f[c]!;
  }
  await store.upsert(MODELS_COLLECTION, [
    {
      id: CURRENT_MODEL_ID,
      vectors: { [MODEL_GRAM_VECTOR]: gram },
      payload: {
        modelVersion: version,
        dimension: K,
        alpha: 1,
        regularization: 0.1,
        frequencyScaled: false,
        unobservedWeight: 1,
        items: items.size,
        trainedAt: T0,
        loss: 0,
      },
    },
  ]);
}

let n = 0;
function consumed(userId: string, type: UserEvent['type'], itemId: string): ConsumedEvent {
  n += 1;
  return {
    event: { eventId: `f-${n}`, userId, itemId, type, timestamp: T0 + n },
    partition: 0,
    offset: String(n),
  };
}

describe('profiles folding users into the collaborative model', () => {
  let dir: string;
  let store: VectorStore;
  let profiles: ProfileService;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tailor-fold-'));
    store = await createEmbeddedVectorStore({ dataDir: dir, logger });
    profiles = new ProfileService({
      store,
      logger,
      settings: SETTINGS,
      metrics: createProfileMetrics(),
      modelCheckMs: 0,
    });
    await profiles.ensureCollections();
    await store.upsert(
      ITEMS_COLLECTION,
      [0, 1, 2, 3, 4].map((i) => ({
        id: `item-${i}`,
        vectors: {
          [ITEM_VECTOR]: Array.from({ length: DIMENSION }, (_, d) => (d === i % 4 ? 1 : 0)),
        },
        payload: { itemId: `item-${i}`, category: 'c', tags: [] },
      })),
    );
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function cfOf(userId: string) {
    const [point] = await store.retrieve(PROFILES_COLLECTION, [userId], { withVectors: true });
    return { vector: point?.vectors?.[CF_VECTOR], version: point?.payload.cfModelVersion };
  }

  it('gives a user no cf vector before any model, and one with the first model', async () => {
    await profiles.applyBatch([consumed('ann', 'like', 'item-0')]);
    assert.equal((await cfOf('ann')).vector, undefined);
    await publish(store, 'v1', factors(1));
    await profiles.applyBatch([consumed('ann', 'view', 'item-1')]);
    const { vector, version } = await cfOf('ann');
    assert.equal(version, 'v1');
    assert.ok(vector !== undefined);
    const item = factors(1);
    assert.ok(dot(vector, item.get('item-0')!) > dot(vector, item.get('item-2')!));
  });

  it('moves the collaborative score of an item at once with the event', async () => {
    const before = (await cfOf('ann')).vector!;
    await profiles.applyBatch([consumed('ann', 'dislike', 'item-1')]);
    const after = (await cfOf('ann')).vector!;
    const item1 = factors(1).get('item-1')!;
    assert.ok(dot(after, item1) < dot(before, item1), 'a dislike lowers the item');
  });

  it('re-folds a profile folded against an older model when a new one comes', async () => {
    await profiles.applyBatch([consumed('bob', 'purchase', 'item-3')]);
    assert.equal((await cfOf('bob')).version, 'v1');
    await publish(store, 'v2', factors(2));
    const rewritten = await profiles.refoldStale();
    assert.equal(rewritten, 2, 'ann and bob');
    const { vector, version } = await cfOf('bob');
    assert.equal(version, 'v2');
    assert.equal(await profiles.refoldStale(), 0, 'nothing is stale any more');
    assert.ok(dot(vector!, factors(2).get('item-3')!) > 0);
  });

  it('weighs the newest likes again, so the same history in another order leads elsewhere', async () => {
    const recentFirst = new ProfileService({
      store,
      logger,
      settings: { ...SETTINGS, recentTaste: { items: 1, weight: 4 } },
      metrics: createProfileMetrics(),
      modelCheckMs: 0,
    });
    await recentFirst.applyBatch([consumed('dana', 'like', 'item-0')]);
    await recentFirst.applyBatch([consumed('dana', 'like', 'item-1')]);
    await recentFirst.applyBatch([consumed('eli', 'like', 'item-1')]);
    await recentFirst.applyBatch([consumed('eli', 'like', 'item-0')]);
    const items = factors(2);
    const lead = async (userId: string) => {
      const { vector } = await cfOf(userId);
      return dot(vector!, items.get('item-1')!) - dot(vector!, items.get('item-0')!);
    };
    assert.ok((await lead('dana')) > 0, 'dana liked item-1 last');
    assert.ok((await lead('eli')) < 0, 'eli liked item-0 last');
  });

  it("leaves an item without factors to the other sources: the user's vector ignores it", async () => {
    await profiles.applyBatch([consumed('cleo', 'like', 'item-4')]);
    assert.equal((await cfOf('cleo')).vector, undefined);
  });
});
