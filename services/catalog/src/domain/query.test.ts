import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ArgumentError } from '@tailor/kit';

import { checkSearchText, decodeCursor, encodeCursor, itemFilter, QUERY_LIMITS } from './query.js';

function argumentOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof ArgumentError);
    return err.argument;
  }
  assert.fail('expected an ArgumentError');
}

describe('checkSearchText', () => {
  describe('when the text is blank or too long', () => {
    it('names text', () => {
      assert.equal(
        argumentOf(() => checkSearchText('   ')),
        'text',
      );
      assert.equal(
        argumentOf(() => checkSearchText('x'.repeat(QUERY_LIMITS.searchTextMaxLength + 1))),
        'text',
      );
    });
  });

  describe('when the text fits', () => {
    it('returns it trimmed', () => {
      assert.equal(checkSearchText('  wireless headphones '), 'wireless headphones');
      assert.equal(
        checkSearchText('x'.repeat(QUERY_LIMITS.searchTextMaxLength)).length,
        QUERY_LIMITS.searchTextMaxLength,
      );
    });
  });
});

describe('cursors', () => {
  describe('when a store cursor is encoded', () => {
    it('decodes back to it', () => {
      for (const storeCursor of ['electronics-001', 'a b/c?', '{"offset":"42"}']) {
        assert.equal(decodeCursor(encodeCursor(storeCursor)), storeCursor);
      }
    });
  });

  describe('when after is not one of ours', () => {
    it('names after', () => {
      assert.equal(
        argumentOf(() => decodeCursor('electronics-001')),
        'after',
      );
      assert.equal(
        argumentOf(() => decodeCursor('not base64!')),
        'after',
      );
      assert.equal(
        argumentOf(() => decodeCursor('')),
        'after',
      );
      assert.equal(
        argumentOf(() => decodeCursor('a'.repeat(QUERY_LIMITS.cursorMaxLength + 1))),
        'after',
      );
    });
  });
});

describe('itemFilter', () => {
  describe('when no filter is asked for', () => {
    it('returns undefined', () => {
      assert.equal(itemFilter({}), undefined);
      assert.equal(itemFilter({ category: null, inStockOnly: false }), undefined);
    });
  });

  describe('when category and stock are asked for', () => {
    it('matches the normalized category and in-stock items', () => {
      assert.deepEqual(itemFilter({ category: ' Books ', inStockOnly: true }), {
        must: [
          { key: 'category', match: { value: 'books' } },
          { key: 'inStock', match: { value: true } },
        ],
      });
    });
  });
});
