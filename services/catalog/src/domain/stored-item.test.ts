import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type ValidItem } from './item.js';
import {
  CATEGORY_REPEAT,
  fromItemPayload,
  itemEmbeddingText,
  toItemPayload,
} from './stored-item.js';

const item: ValidItem = {
  id: 'kitchen-001',
  title: 'Copperleaf Classic Cast Iron Skillet',
  description: 'A pre-seasoned skillet.',
  category: 'home-decor',
  tags: ['cookware', 'gift'],
  price: { amount: 49.99, currency: 'EUR' },
  imageUrl: null,
  inStock: false,
  attributes: [
    { name: 'brand', value: 'Copperleaf' },
    { name: 'material', value: 'cast iron' },
  ],
};

describe('toItemPayload and fromItemPayload', () => {
  describe('when an item is stored and read back', () => {
    it('returns the same facts and timestamps', () => {
      const payload = toItemPayload(item, 1_000, 2_000);
      assert.equal(payload.itemId, item.id);
      assert.equal(payload.price, 49.99);
      assert.equal(payload.currency, 'EUR');
      assert.deepEqual(payload.attributes, { brand: 'Copperleaf', material: 'cast iron' });
      assert.equal('imageUrl' in payload, false);
      const read = fromItemPayload({ ...payload });
      assert.deepEqual(read, { ...item, createdAt: new Date(1_000), updatedAt: new Date(2_000) });
    });
  });

  describe('when the item has an image', () => {
    it('keeps the URL', () => {
      const payload = toItemPayload({ ...item, imageUrl: 'https://x.example/a.jpg' }, 1, 1);
      assert.equal(fromItemPayload({ ...payload }).imageUrl, 'https://x.example/a.jpg');
    });
  });
});

describe('itemEmbeddingText', () => {
  describe('when an item is embedded', () => {
    it('says title, category (repeated), tags, description and attribute values', () => {
      const text = itemEmbeddingText(item);
      assert.ok(text.startsWith(item.title));
      assert.equal(text.split('home decor').length - 1, CATEGORY_REPEAT);
      for (const part of [
        'cookware',
        'gift',
        'A pre-seasoned skillet.',
        'cast iron',
        'Copperleaf',
      ]) {
        assert.ok(text.includes(part), part);
      }
      assert.equal(text.includes('material'), false, 'attribute names are left out');
    });
  });
});
