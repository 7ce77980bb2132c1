import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isBatchTooLarge, validateBatch } from './batch.js';
import { ITEM_LIMITS } from './item.js';

function item(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    title: `Item ${id}`,
    description: '',
    category: 'books',
    price: { amount: 10, currency: 'EUR' },
    ...overrides,
  };
}

describe('validateBatch', () => {
  describe('when some items are invalid', () => {
    it('keeps the valid ones in order and indexes the errors', () => {
      const { valid, errors } = validateBatch([
        item('a'),
        item('b', { title: '' }),
        item('c'),
        item('d', { price: { amount: 1, currency: 'eur' } }),
      ]);
      assert.deepEqual(
        valid.map((v) => [v.index, v.item.id]),
        [
          [0, 'a'],
          [2, 'c'],
        ],
      );
      assert.deepEqual(
        errors.map((e) => [e.index, e.itemId, e.field]),
        [
          [1, 'b', 'title'],
          [3, 'd', 'price.currency'],
        ],
      );
    });

    it('labels an error with a null id when the id cannot be read', () => {
      const { errors } = validateBatch([{ title: 'x' }]);
      assert.ok(errors.length > 0);
      assert.ok(errors.every((e) => e.index === 0 && e.itemId === null));
      assert.ok(errors.some((e) => e.field === 'id'));
    });
  });

  describe('when an id appears twice', () => {
    it('keeps the first and refuses the later one, naming id', () => {
      const { valid, errors } = validateBatch([
        item('a'),
        item('b'),
        item('a', { title: 'Again' }),
      ]);
      assert.deepEqual(
        valid.map((v) => v.item.id),
        ['a', 'b'],
      );
      assert.equal(valid[0]!.item.title, 'Item a');
      assert.equal(errors.length, 1);
      assert.equal(errors[0]!.index, 2);
      assert.equal(errors[0]!.field, 'id');
      assert.match(errors[0]!.message, /item 0/);
    });
  });
});

describe('isBatchTooLarge', () => {
  describe('when the size is at or over the limit', () => {
    it('allows the limit and refuses one more', () => {
      assert.equal(isBatchTooLarge(ITEM_LIMITS.maxBatchSize), false);
      assert.equal(isBatchTooLarge(ITEM_LIMITS.maxBatchSize + 1), true);
    });
  });
});
