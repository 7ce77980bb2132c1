import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  createEmbeddedVectorStore,
  createHashedEmbedder,
  ITEMS_COLLECTION,
  silentLogger,
  type VectorStore,
} from '@tailor/kit';

import { fromItemPayload } from '../domain/stored-item.js';
import { startCatalogUnderTest, testConfig } from '../testing/catalog-under-test.js';
import { DEMO_EPOCH_MS, type DemoItem } from './demo-catalog.js';
import { DEMO_CATALOG_FILE, loadDemoCatalog } from './load.js';

const demoLines = readFileSync(DEMO_CATALOG_FILE, 'utf8')
  .split('\n')
  .filter((line) => line !== '');

describe('loadDemoCatalog', () => {
  let dataDir: string;
  let store: VectorStore;
  const now = Date.UTC(2026, 0, 15);
  const deps = () => ({
    config: testConfig(),
    logger: silentLogger(),
    store,
    embedder: createHashedEmbedder({ dimension: 64 }),
    now: () => now,
  });

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'tailor-'));
    store = await createEmbeddedVectorStore({ dataDir, logger: silentLogger() });
  });
  after(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('when the items collection is empty', () => {
    it('loads every demo item', async () => {
      assert.equal(await loadDemoCatalog(deps()), demoLines.length);
      assert.equal(await store.count(ITEMS_COLLECTION), demoLines.length);
    });

    it('keeps each item age, re-anchored to the time of loading', async () => {
      const first = JSON.parse(demoLines[0]!) as DemoItem;
      const [point] = await store.retrieve(ITEMS_COLLECTION, [first.id]);
      const item = fromItemPayload(point!.payload);
      assert.equal(item.createdAt.getTime(), now - (DEMO_EPOCH_MS - Date.parse(first.createdAt)));
      assert.equal(item.updatedAt.getTime(), now);
      assert.equal(item.title, first.title);
    });
  });

  describe('when the collection already has items', () => {
    it('loads nothing', async () => {
      assert.equal(await loadDemoCatalog(deps()), 0);
      assert.equal(await store.count(ITEMS_COLLECTION), demoLines.length);
    });
  });

  describe('when the file holds an invalid item', () => {
    it('fails naming the line and stores nothing', async () => {
      const emptyDir = mkdtempSync(path.join(os.tmpdir(), 'tailor-'));
      const emptyStore = await createEmbeddedVectorStore({
        dataDir: emptyDir,
        logger: silentLogger(),
      });
      try {
        const file = path.join(emptyDir, 'bad.jsonl');
        const bad = { ...(JSON.parse(demoLines[1]!) as DemoItem), title: '' };
        writeFileSync(file, `${demoLines[0]}\n\n${JSON.stringify(bad)}\n`);
        await assert.rejects(
          loadDemoCatalog({ ...deps(), store: emptyStore }, { file }),
          /line 3: title/,
        );
        assert.equal(await emptyStore.count(ITEMS_COLLECTION), 0);
      } finally {
        await emptyStore.close();
        rmSync(emptyDir, { recursive: true, force: true });
      }
    });
  });
});

describe('startCatalog', () => {
  describe('when CATALOG_SEED_DEMO is on', () => {
    it('serves the demo catalog', async () => {
      const t = await startCatalogUnderTest({ config: { CATALOG_SEED_DEMO: true } });
      try {
        const answer = await t.gql<{ items: { totalCount: number }; categories: unknown[] }>(
          'query { items { totalCount } categories { name } }',
        );
        assert.equal(answer.data!.items.totalCount, demoLines.length);
        assert.ok(answer.data!.categories.length >= 12);
      } finally {
        await t.close();
      }
    });
  });
});
