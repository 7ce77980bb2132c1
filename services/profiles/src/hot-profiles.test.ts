import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  type ConsumedEvent,
  createEmbeddedVectorStore,
  DEFAULT_EVENT_WEIGHTS,
  DEFAULT_RECENT_TASTE,
  type PointInput,
  PROFILE_REVISION_KEY,
  PROFILES_COLLECTION,
  silentLogger,
  type VectorStore,
} from '@tailor/kit';

import type { ProfileSettings } from './domain/profile.js';
import { createProfileMetrics } from './metrics.js';
import { ProfileService } from './profile.service.js';

const SETTINGS: ProfileSettings = {
  dimension: 4,
  cfDimension: 4,
  longHalfLifeMs: 3_600_000,
  shortHalfLifeMs: 60_000,
  weights: DEFAULT_EVENT_WEIGHTS,
  recentTaste: DEFAULT_RECENT_TASTE,
};
const T0 = Date.UTC(2026, 0, 1);

let offset = 0;
/** One view of an item the catalog does not know: it counts, which is all these tests read. */
function view(userId: string, partition = 0): ConsumedEvent {
  offset += 1;
  return {
    event: {
      eventId: `hot-${offset}`,
      userId,
      itemId: 'unknown-item',
      type: 'view',
      timestamp: T0 + offset,
    },
    partition,
    offset: String(offset),
  };
}

/** A store whose profile writes can be made to fail. */
function failingWrites(inner: VectorStore): VectorStore & { failNext: boolean } {
  const store = Object.create(inner) as VectorStore & { failNext: boolean };
  store.failNext = false;
  store.upsert = async (name: string, points: readonly PointInput[]) => {
    if (name === PROFILES_COLLECTION && store.failNext) {
      store.failNext = false;
      throw new Error('disk full');
    }
    return inner.upsert(name, points);
  };
  return store;
}

describe('ProfileService with profiles held in memory', () => {
  const logger = silentLogger();
  let dir: string;
  let inner: VectorStore;
  let store: VectorStore & { failNext: boolean };

  const service = (hotProfiles?: number) =>
    new ProfileService({
      store,
      logger,
      settings: SETTINGS,
      metrics: createProfileMetrics(),
      ...(hotProfiles === undefined ? {} : { hotProfiles }),
    });

  const eventCount = async (userId: string) => {
    const [point] = await inner.retrieve(PROFILES_COLLECTION, [userId]);
    return point?.payload.eventCount;
  };

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tailor-hot-'));
    inner = await createEmbeddedVectorStore({ dataDir: dir, logger });
    store = failingWrites(inner);
    await service().ensureCollections();
  });

  after(async () => {
    await inner.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('when another writer changes a held profile', () => {
    it('reads it again instead of writing over that change', async () => {
      // Two replicas, as after a rebalance: each holds what it wrote last.
      const first = service();
      const second = service();
      await first.applyBatch([view('ann')]);
      await second.applyBatch([view('ann'), view('ann')]);
      await first.applyBatch([view('ann')]);
      assert.equal(await eventCount('ann'), 4);
    });

    it('reads it again when the stored point has no revision (an older writer)', async () => {
      const held = service();
      await held.applyBatch([view('ben')]);
      const [point] = await inner.retrieve(PROFILES_COLLECTION, ['ben'], { withVectors: true });
      const { [PROFILE_REVISION_KEY]: _revision, ...payload } = point!.payload;
      await inner.upsert(PROFILES_COLLECTION, [
        { id: 'ben', payload: { ...payload, eventCount: 10 }, vectors: point!.vectors! },
      ]);
      await held.applyBatch([view('ben')]);
      assert.equal(await eventCount('ben'), 11);
    });
  });

  describe('when writing a batch fails', () => {
    it('applies it again from the stored profile, each event once', async () => {
      const held = service();
      await held.applyBatch([view('cat')]);
      const batch = [view('cat'), view('cat')];
      store.failNext = true;
      await assert.rejects(held.applyBatch(batch), /disk full/);
      const again = await held.applyBatch(batch);
      assert.equal(again.applied, 2);
      assert.equal(await eventCount('cat'), 3);
    });
  });

  describe('when the user is forgotten', () => {
    it('starts the next batch from what the store holds, not from memory', async () => {
      const held = service();
      await held.applyBatch([view('dan')]);
      assert.equal(await held.forget('dan'), true);
      await held.applyBatch([view('dan')]);
      assert.equal(await eventCount('dan'), 1);
    });
  });

  describe('when more users are written than it holds', () => {
    it('reads the ones it let go from the store, losing nothing', async () => {
      const held = service(2);
      const users = ['eve', 'fay', 'gus', 'hal'];
      for (let round = 0; round < 3; round += 1) {
        for (const userId of users) await held.applyBatch([view(userId)]);
      }
      for (const userId of users) assert.equal(await eventCount(userId), 3);
    });
  });
});
