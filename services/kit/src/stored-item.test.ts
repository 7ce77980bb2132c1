import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { ItemPayload } from './collections.js';
import { readItemPayload } from './stored-item.js';

const stored: ItemPayload = {
  itemId: 'kitchen-001',
  title: 'Cast Iron Skillet',
  description: 'Pre-seasoned.',
  category: 'kitchen',
  tags: ['cookware', 'gift'],
  price: 49.99,
  currency: 'EUR',
  imageUrl: 'https://x.example/a.jpg',
  inStock: true,
  attributes: { brand: 'Copperleaf' },
  createdAt: 1_000,
  updatedAt: 2_000,
};

describe('readItemPayload', () => {
  describe('when the payload is as the catalog writes it', () => {
    it('reads it unchanged', () => {
      assert.deepEqual(readItemPayload({ ...stored }, 'other-id'), stored);
    });
  });

  describe('when only some keys were asked for', () => {
    it('gives the others neutral values and the point id as the item id', () => {
      assert.deepEqual(readItemPayload({ category: 'kitchen', tags: ['gift'] }, 'p1'), {
        itemId: 'p1',
        title: '',
        description: '',
        category: 'kitchen',
        tags: ['gift'],
        price: 0,
        currency: '',
        inStock: false,
        attributes: {},
        createdAt: 0,
        updatedAt: 0,
      });
    });
  });

  describe('when fields are damaged', () => {
    it('keeps every readable field and what is readable inside lists and maps', () => {
      const read = readItemPayload(
        {
          ...stored,
          title: 7,
          tags: ['gift', 3, null],
          price: 'cheap',
          inStock: 'yes',
          attributes: { brand: 'Copperleaf', size: 10, broken: null },
        },
        'p1',
      );
      assert.deepEqual(read, {
        ...stored,
        title: '',
        tags: ['gift'],
        price: 0,
        inStock: false,
        attributes: { brand: 'Copperleaf', size: '10' },
      });
    });
  });
});
