import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ArgumentError, type Condition, itemsCollectionSpec } from '@tailor/kit';

import {
  candidateFilter,
  candidateLimit,
  checkTrimmedId,
  mmrLambda,
  parseContext,
} from './request.js';

const namesArgument = (argument: string) => (err: unknown) =>
  err instanceof ArgumentError && err.argument === argument;

describe('candidateFilter', () => {
  it('filters only on payload keys the items collection indexes', () => {
    const keys = (conditions: readonly Condition[] = []): string[] =>
      conditions.flatMap((c) => ('key' in c ? [c.key] : []));
    const filter = candidateFilter({ excludeIds: ['a'], category: 'outdoor' });
    const indexed = Object.keys(itemsCollectionSpec(8).payloadIndexes ?? {});
    for (const key of [...keys(filter.must), ...keys(filter.must_not), ...keys(filter.should)]) {
      assert.ok(indexed.includes(key), `${key} has a payload index, so Qdrant need not scan`);
    }
  });

  describe('when ids are excluded and a category is given', () => {
    it('requires in stock and the category, and excludes the ids once each', () => {
      assert.deepEqual(candidateFilter({ excludeIds: ['a', 'b', 'a'], category: 'outdoor' }), {
        must: [
          { key: 'inStock', match: { value: true } },
          { key: 'category', match: { value: 'outdoor' } },
        ],
        must_not: [{ has_id: ['a', 'b'] }],
      });
    });
  });

  describe('when nothing is excluded and no category is given', () => {
    it('only requires in stock', () => {
      assert.deepEqual(candidateFilter({ excludeIds: [] }), {
        must: [{ key: 'inStock', match: { value: true } }],
      });
    });
  });
});

describe('candidateLimit', () => {
  describe('when first is small, middling or large', () => {
    it('asks for ten per item, at least 100 and at most 500', () => {
      assert.equal(candidateLimit(1), 100);
      assert.equal(candidateLimit(10), 100);
      assert.equal(candidateLimit(23), 230);
      assert.equal(candidateLimit(50), 500);
      assert.equal(candidateLimit(80), 500);
    });
  });
});

describe('checkTrimmedId', () => {
  describe('when the id is empty or longer than 128 characters', () => {
    it('refuses it naming the argument', () => {
      assert.throws(() => checkTrimmedId('  ', 'userId'), namesArgument('userId'));
      assert.throws(() => checkTrimmedId('x'.repeat(129), 'itemId'), namesArgument('itemId'));
      assert.equal(checkTrimmedId(` ${'x'.repeat(128)} `, 'userId'), 'x'.repeat(128));
    });
  });
});

describe('parseContext', () => {
  describe('when no context is given', () => {
    it('excludes nothing and uses the api surface', () => {
      assert.deepEqual(parseContext(null), { excludeItemIds: [], surface: 'api' });
    });
  });

  describe('when every field is given', () => {
    it('normalizes the category like the catalog and dedupes excluded ids', () => {
      assert.deepEqual(
        parseContext({
          category: ' Outdoor ',
          excludeItemIds: ['a', ' a ', 'b'],
          surface: 'home',
          diversity: 0.4,
        }),
        { category: 'outdoor', excludeItemIds: ['a', 'b'], surface: 'home', diversity: 0.4 },
      );
    });
  });

  describe('when a field is out of bounds', () => {
    it('names the field', () => {
      assert.throws(
        () => parseContext({ excludeItemIds: Array.from({ length: 201 }, (_, i) => `i${i}`) }),
        namesArgument('context.excludeItemIds'),
      );
      assert.throws(
        () => parseContext({ excludeItemIds: ['x'.repeat(129)] }),
        namesArgument('context.excludeItemIds'),
      );
      assert.throws(() => parseContext({ diversity: 1.5 }), namesArgument('context.diversity'));
      assert.throws(() => parseContext({ diversity: -0.1 }), namesArgument('context.diversity'));
      assert.throws(() => parseContext({ category: '' }), namesArgument('context.category'));
      assert.throws(
        () => parseContext({ surface: 's'.repeat(65) }),
        namesArgument('context.surface'),
      );
    });
  });
});

describe('mmrLambda', () => {
  describe('when the request asks for diversity', () => {
    it('uses 1 − diversity instead of the configured λ', () => {
      assert.equal(mmrLambda(0.7, undefined), 0.7);
      assert.equal(mmrLambda(0.7, 0), 1);
      assert.equal(mmrLambda(0.7, 0.25), 0.75);
    });
  });
});
