import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { validateBatch } from '../domain/batch.js';
import {
  DEMO_EPOCH_MS,
  DEMO_SEED,
  DEMO_SPAN_DAYS,
  type DemoItem,
  generateDemoCatalog,
  toJsonLines,
} from './demo-catalog.js';
import { DEMO_CATALOG_FILE } from './load.js';
import { createRandom } from './random.js';
import { SHARED_TAGS } from './vocabulary.js';

const fileText = readFileSync(DEMO_CATALOG_FILE, 'utf8');
const fileItems = fileText
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => JSON.parse(line) as DemoItem);

describe('the committed demo catalog', () => {
  describe('when its size and spread are checked', () => {
    it('holds at least 320 items over at least 12 categories', () => {
      assert.ok(fileItems.length >= 320, `${fileItems.length} items`);
      assert.ok(new Set(fileItems.map((i) => i.category)).size >= 12);
    });

    it('has unique ids of the form category-NNN', () => {
      const ids = fileItems.map((i) => i.id);
      assert.equal(new Set(ids).size, ids.length);
      for (const item of fileItems) assert.match(item.id, new RegExp(`^${item.category}-\\d{3}$`));
    });

    it('has unique titles', () => {
      assert.equal(new Set(fileItems.map((i) => i.title)).size, fileItems.length);
    });
  });

  describe('when validated like upsertItems input', () => {
    it('refuses none of them', () => {
      const { valid, errors } = validateBatch(fileItems);
      assert.deepEqual(errors, []);
      assert.equal(valid.length, fileItems.length);
    });
  });

  describe('when its items are read one by one', () => {
    it('gives each 3 to 6 tags, 2 to 4 attributes, a EUR price and 1 to 3 sentences', () => {
      for (const item of fileItems) {
        assert.ok(item.tags.length >= 3 && item.tags.length <= 6, `${item.id} tags`);
        assert.ok(
          item.attributes.length >= 2 && item.attributes.length <= 4,
          `${item.id} attributes`,
        );
        assert.equal(item.price.currency, 'EUR');
        const sentences = item.description.split(/(?<=[.!?])\s+/).length;
        assert.ok(sentences >= 1 && sentences <= 3, `${item.id}: ${sentences} sentences`);
      }
    });

    it('shares tags across categories', () => {
      for (const tag of [SHARED_TAGS.gift, SHARED_TAGS.ecoFriendly, SHARED_TAGS.premium]) {
        const categories = new Set(
          fileItems.filter((i) => i.tags.includes(tag)).map((i) => i.category),
        );
        assert.ok(categories.size >= 3, `${tag} in ${categories.size} categories`);
      }
    });

    it('has about nine in ten items in stock', () => {
      const share = fileItems.filter((i) => i.inStock).length / fileItems.length;
      assert.ok(share > 0.8 && share < 0.97, `in stock share ${share}`);
    });

    it('dates items within the span before the epoch', () => {
      for (const item of fileItems) {
        const at = Date.parse(item.createdAt);
        assert.ok(
          at <= DEMO_EPOCH_MS && at >= DEMO_EPOCH_MS - DEMO_SPAN_DAYS * 86_400_000,
          item.id,
        );
      }
    });
  });

  describe('when compared with the generator', () => {
    it('is exactly what the generator writes (regenerate after changing it)', () => {
      assert.equal(toJsonLines(generateDemoCatalog(DEMO_SEED)), fileText);
    });
  });
});

describe('generateDemoCatalog', () => {
  describe('when another seed is used', () => {
    it('gives another catalog', () => {
      assert.notDeepEqual(generateDemoCatalog(DEMO_SEED + 1), generateDemoCatalog(DEMO_SEED));
    });
  });
});

describe('createRandom', () => {
  describe('when two generators share a seed', () => {
    it('yields the same sequence in [0, 1)', () => {
      const a = createRandom(7);
      const b = createRandom(7);
      for (let i = 0; i < 1_000; i += 1) {
        const x = a.next();
        assert.equal(x, b.next());
        assert.ok(x >= 0 && x < 1);
      }
    });
  });

  describe('when sampling', () => {
    it('returns distinct elements of the list', () => {
      const sample = createRandom(3).sample([1, 2, 3, 4, 5], 3);
      assert.equal(new Set(sample).size, 3);
      assert.ok(sample.every((x) => x >= 1 && x <= 5));
      assert.equal(createRandom(3).sample([1, 2], 5).length, 2);
    });
  });
});
