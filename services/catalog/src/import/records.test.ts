import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { checkCsvHeader, recordFromCsvRow, recordFromJsonLine } from './records.js';

describe('recordFromJsonLine', () => {
  describe('when the line is an ItemInput', () => {
    it('returns it without unknown fields', () => {
      const result = recordFromJsonLine(
        JSON.stringify({
          id: 'a',
          title: 'T',
          description: 'D',
          category: 'books',
          tags: ['x'],
          price: { amount: 1.5, currency: 'EUR' },
          createdAt: '2025-01-01T00:00:00Z',
        }),
      );
      assert.deepEqual(result, {
        ok: true,
        input: {
          id: 'a',
          title: 'T',
          description: 'D',
          category: 'books',
          price: { amount: 1.5, currency: 'EUR' },
          tags: ['x'],
        },
      });
    });
  });

  describe('when price is flat with a currency field', () => {
    it('nests them', () => {
      const result = recordFromJsonLine(
        '{"id":"a","title":"T","description":"","category":"c","price":2,"currency":"USD"}',
      );
      assert.ok(result.ok);
      assert.deepEqual(result.input.price, { amount: 2, currency: 'USD' });
    });
  });

  describe('when the line is not JSON or has wrong types', () => {
    it('names the problem', () => {
      assert.deepEqual(recordFromJsonLine('{oops'), {
        ok: false,
        errors: [{ field: 'item', message: 'line is not valid JSON' }],
      });
      const result = recordFromJsonLine(
        '{"id":"a","title":"T","description":"","category":"c","price":{"amount":"1","currency":"EUR"}}',
      );
      assert.equal(result.ok, false);
      assert.deepEqual(result.ok ? [] : result.errors.map((e) => e.field), ['price.amount']);
    });
  });
});

describe('recordFromCsvRow', () => {
  const row = {
    id: 'a',
    title: 'T',
    description: 'D',
    category: 'books',
    tags: 'gift; fiction ;',
    price: '12.50',
    currency: 'EUR',
    imageUrl: '',
    inStock: 'no',
    attributes: 'author=Mara Ellison; format=Paperback',
  };

  describe('when the row is well formed', () => {
    it('splits lists and converts numbers and booleans', () => {
      assert.deepEqual(recordFromCsvRow(row), {
        ok: true,
        input: {
          id: 'a',
          title: 'T',
          description: 'D',
          category: 'books',
          tags: ['gift', 'fiction'],
          price: { amount: 12.5, currency: 'EUR' },
          inStock: false,
          attributes: [
            { name: 'author', value: 'Mara Ellison' },
            { name: 'format', value: 'Paperback' },
          ],
        },
      });
    });

    it('leaves inStock and imageUrl out when their cells are empty', () => {
      const result = recordFromCsvRow({ ...row, inStock: '', imageUrl: ' ' });
      assert.ok(result.ok);
      assert.equal('inStock' in result.input, false);
      assert.equal('imageUrl' in result.input, false);
    });

    it('splits an attribute at its first equals sign', () => {
      const result = recordFromCsvRow({ ...row, attributes: 'size=45 x 45 cm; note=a=b' });
      assert.ok(result.ok);
      assert.deepEqual(result.input.attributes?.[1], { name: 'note', value: 'a=b' });
    });
  });

  describe('when cells cannot be converted', () => {
    it('names each bad field', () => {
      const result = recordFromCsvRow({
        ...row,
        price: '12,50',
        inStock: 'maybe',
        attributes: 'ok=1;broken',
      });
      assert.equal(result.ok, false);
      assert.deepEqual(result.ok ? [] : result.errors.map((e) => e.field), [
        'price',
        'inStock',
        'attributes.1',
      ]);
    });
  });
});

describe('checkCsvHeader', () => {
  describe('when columns are missing or unknown', () => {
    it('lists both', () => {
      assert.deepEqual(checkCsvHeader(['id', 'title', 'colour', 'price']), {
        missing: ['description', 'category', 'currency'],
        unknown: ['colour'],
      });
    });
  });
});
