import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ITEM_LIMITS, type ItemFieldError, normalizeCategory, validateItem } from './item.js';

const L = ITEM_LIMITS;

function valid(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'electronics-001',
    title: 'Voltra Studio Wireless Headphones',
    description: 'Over-ear headphones.',
    category: 'electronics',
    tags: ['wireless', 'audio'],
    price: { amount: 129.99, currency: 'EUR' },
    imageUrl: 'https://images.example.com/1.jpg',
    inStock: true,
    attributes: [{ name: 'brand', value: 'Voltra' }],
    ...overrides,
  };
}

function errorsOf(input: unknown): ItemFieldError[] {
  const result = validateItem(input);
  assert.equal(result.ok, false, 'expected the item to be refused');
  return result.ok ? [] : result.errors;
}

function fieldsOf(input: unknown): string[] {
  return errorsOf(input).map((e) => e.field);
}

function accepts(input: unknown) {
  const result = validateItem(input);
  assert.ok(result.ok, `expected the item to pass, got ${JSON.stringify(result)}`);
  return result.item;
}

describe('validateItem', () => {
  describe('when the item is valid', () => {
    it('returns it normalized', () => {
      const item = accepts(
        valid({
          title: '  Headphones  ',
          category: ' Home-Decor ',
          tags: ['Gift', ' gift ', 'Audio'],
          attributes: [{ name: ' color ', value: ' black ' }],
        }),
      );
      assert.equal(item.title, 'Headphones');
      assert.equal(item.category, 'home-decor');
      assert.deepEqual(item.tags, ['gift', 'audio']);
      assert.deepEqual(item.attributes, [{ name: 'color', value: 'black' }]);
    });

    it('fills defaults for optional fields given as null or left out', () => {
      const item = accepts(
        valid({ tags: null, imageUrl: null, inStock: undefined, attributes: undefined }),
      );
      assert.deepEqual(item.tags, []);
      assert.equal(item.imageUrl, null);
      assert.equal(item.inStock, true);
      assert.deepEqual(item.attributes, []);
    });

    it('accepts every value at its limit', () => {
      accepts(
        valid({
          id: 'a'.repeat(L.idMaxLength),
          title: 't'.repeat(L.titleMaxLength),
          description: 'd'.repeat(L.descriptionMaxLength),
          category: 'c'.repeat(L.categoryMaxLength),
          tags: Array.from({ length: L.maxTags }, (_, i) => `${i}`.padEnd(L.tagMaxLength, 'x')),
          attributes: Array.from({ length: L.maxAttributes }, (_, i) => ({
            name: `${i}`.padEnd(L.attributeNameMaxLength, 'n'),
            value: 'v'.repeat(L.attributeValueMaxLength),
          })),
          price: { amount: L.priceMaxAmount, currency: 'EUR' },
          imageUrl: `https://x.example/${'p'.repeat(L.imageUrlMaxLength - 18)}`,
        }),
      );
      accepts(valid({ price: { amount: 0, currency: 'USD' }, description: '' }));
    });
  });

  describe('when the id breaks a rule', () => {
    it('refuses an id longer than the limit', () => {
      assert.deepEqual(fieldsOf(valid({ id: 'a'.repeat(L.idMaxLength + 1) })), ['id']);
    });

    it('refuses an empty id and one with other characters', () => {
      assert.deepEqual(fieldsOf(valid({ id: '' })), ['id']);
      assert.deepEqual(fieldsOf(valid({ id: 'has space' })), ['id']);
      assert.deepEqual(fieldsOf(valid({ id: 'slash/id' })), ['id']);
    });

    it('accepts the punctuation the pattern allows', () => {
      accepts(valid({ id: 'A.b_c:d-9' }));
    });
  });

  describe('when a text is out of bounds', () => {
    it('refuses an empty or blank title and one over the limit', () => {
      assert.deepEqual(fieldsOf(valid({ title: '   ' })), ['title']);
      assert.deepEqual(fieldsOf(valid({ title: 't'.repeat(L.titleMaxLength + 1) })), ['title']);
    });

    it('refuses a description over the limit', () => {
      assert.deepEqual(fieldsOf(valid({ description: 'd'.repeat(L.descriptionMaxLength + 1) })), [
        'description',
      ]);
    });

    it('refuses an empty category and one over the limit', () => {
      assert.deepEqual(fieldsOf(valid({ category: '' })), ['category']);
      assert.deepEqual(fieldsOf(valid({ category: 'c'.repeat(L.categoryMaxLength + 1) })), [
        'category',
      ]);
    });
  });

  describe('when tags break a rule', () => {
    it('refuses more tags than the limit, naming the list', () => {
      const tags = Array.from({ length: L.maxTags + 1 }, (_, i) => `tag${i}`);
      assert.deepEqual(fieldsOf(valid({ tags })), ['tags']);
    });

    it('names the position of an empty or too long tag', () => {
      assert.deepEqual(fieldsOf(valid({ tags: ['ok', 'fine', 'good', ' '] })), ['tags.3']);
      assert.deepEqual(fieldsOf(valid({ tags: ['t'.repeat(L.tagMaxLength + 1)] })), ['tags.0']);
    });
  });

  describe('when attributes break a rule', () => {
    it('refuses more attributes than the limit', () => {
      const attributes = Array.from({ length: L.maxAttributes + 1 }, (_, i) => ({
        name: `a${i}`,
        value: 'v',
      }));
      assert.deepEqual(fieldsOf(valid({ attributes })), ['attributes']);
    });

    it('names the attribute and part that is too long', () => {
      assert.deepEqual(
        fieldsOf(
          valid({ attributes: [{ name: 'n'.repeat(L.attributeNameMaxLength + 1), value: 'v' }] }),
        ),
        ['attributes.0.name'],
      );
      assert.deepEqual(
        fieldsOf(
          valid({
            attributes: [
              { name: 'brand', value: 'x' },
              { name: 'color', value: 'v'.repeat(L.attributeValueMaxLength + 1) },
            ],
          }),
        ),
        ['attributes.1.value'],
      );
    });

    it('refuses a name given twice', () => {
      const errors = errorsOf(
        valid({
          attributes: [
            { name: 'color', value: 'red' },
            { name: 'color', value: 'blue' },
          ],
        }),
      );
      assert.deepEqual(
        errors.map((e) => e.field),
        ['attributes.1.name'],
      );
      assert.match(errors[0]!.message, /more than once/);
    });
  });

  describe('when the price breaks a rule', () => {
    it('refuses a negative amount and one above the maximum', () => {
      assert.deepEqual(fieldsOf(valid({ price: { amount: -0.01, currency: 'EUR' } })), [
        'price.amount',
      ]);
      assert.deepEqual(
        fieldsOf(valid({ price: { amount: L.priceMaxAmount + 1, currency: 'EUR' } })),
        ['price.amount'],
      );
    });

    it('refuses more than two decimals, including binary noise', () => {
      const errors = errorsOf(valid({ price: { amount: 1.005, currency: 'EUR' } }));
      assert.deepEqual(
        errors.map((e) => e.field),
        ['price.amount'],
      );
      assert.match(errors[0]!.message, /2 decimals/);
      assert.deepEqual(fieldsOf(valid({ price: { amount: 0.1 + 0.2, currency: 'EUR' } })), [
        'price.amount',
      ]);
      accepts(valid({ price: { amount: 19.99, currency: 'EUR' } }));
    });

    it('refuses a currency that is not three capital letters', () => {
      for (const currency of ['eur', 'EURO', 'E1R', '']) {
        assert.deepEqual(
          fieldsOf(valid({ price: { amount: 1, currency } })),
          ['price.currency'],
          currency,
        );
      }
    });

    it('refuses a missing price, naming it', () => {
      const { price: _price, ...rest } = valid();
      assert.deepEqual(fieldsOf(rest), ['price']);
    });
  });

  describe('when the image URL breaks a rule', () => {
    it('refuses other schemes, relative URLs and URLs over the limit', () => {
      assert.deepEqual(fieldsOf(valid({ imageUrl: 'ftp://x.example/a.jpg' })), ['imageUrl']);
      assert.deepEqual(fieldsOf(valid({ imageUrl: '/images/a.jpg' })), ['imageUrl']);
      assert.deepEqual(
        fieldsOf(valid({ imageUrl: `https://x.example/${'p'.repeat(L.imageUrlMaxLength)}` })),
        ['imageUrl'],
      );
    });
  });

  describe('when several fields are wrong', () => {
    it('reports each of them', () => {
      const fields = fieldsOf(
        valid({ title: '', price: { amount: -1, currency: 'eur' }, tags: ['a', ''] }),
      );
      assert.deepEqual(fields.sort(), ['price.amount', 'price.currency', 'tags.1', 'title']);
    });
  });

  describe('when the input is not an object', () => {
    it('reports the item itself', () => {
      assert.deepEqual(fieldsOf('not an item'), ['item']);
      assert.deepEqual(fieldsOf(null), ['item']);
    });
  });
});

describe('normalizeCategory', () => {
  describe('when given mixed case and spaces', () => {
    it('returns the stored form', () => {
      assert.equal(normalizeCategory('  Home-Decor '), 'home-decor');
    });
  });
});
