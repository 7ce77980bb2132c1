import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  createEmbeddedVectorStore,
  ITEMS_COLLECTION,
  itemsCollectionSpec,
  silentLogger,
  type VectorStore,
} from '@tailor/kit';

import { tagSpecificity } from './domain/specificity.js';
import { TAG_STATS_TTL_MS, TagStats } from './tag-stats.js';

describe('TagStats', () => {
  let dataDir: string;
  let store: VectorStore;
  let counted: number;
  let counting: VectorStore;
  let now: number;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tailor-'));
    store = await createEmbeddedVectorStore({ dataDir, logger: silentLogger() });
    await store.ensureCollection(itemsCollectionSpec(2));
    // 10 items: "gift" on all, "tennis" on one.
    await store.upsert(
      ITEMS_COLLECTION,
      Array.from({ length: 10 }, (_, i) => ({
        id: `i${i}`,
        vectors: { content: [1, i] },
        payload: { itemId: `i${i}`, tags: i === 0 ? ['gift', 'tennis'] : ['gift'] },
      })),
    );
    counted = 0;
    counting = Object.assign(Object.create(store) as VectorStore, {
      count: (...args: Parameters<VectorStore['count']>) => {
        counted += 1;
        return store.count(...args);
      },
    });
    now = 1_000_000;
  });
  after(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('when asked about tags of the catalog', () => {
    it('counts the items carrying each, and scores the rare one higher', async () => {
      const stats = new TagStats(counting, () => now);
      const specificity = await stats.specificities(['gift', 'tennis', 'gift']);
      assert.equal(specificity.get('tennis'), tagSpecificity(1, 10));
      assert.equal(specificity.get('gift'), tagSpecificity(10, 10));
      assert.equal(counted, 3, 'the catalog once, each distinct tag once');
    });
  });

  describe('when asked again', () => {
    it('answers from its cache until the counts are older than the TTL', async () => {
      const stats = new TagStats(counting, () => now);
      await stats.specificities(['gift']);
      const before = counted;
      await stats.specificities(['gift']);
      assert.equal(counted, before);
      now += TAG_STATS_TTL_MS;
      await stats.specificities(['gift']);
      assert.equal(counted, before + 2);
    });
  });

  describe('when a tag is on no item (removed from the catalog meanwhile)', () => {
    it('scores it as a tag on one item', async () => {
      const stats = new TagStats(counting, () => now);
      assert.equal((await stats.specificities(['gone'])).get('gone'), tagSpecificity(1, 10));
    });
  });
});
