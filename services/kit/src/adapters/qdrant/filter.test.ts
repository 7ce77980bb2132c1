import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { TailorError } from '../../errors.js';
import type { Filter } from '../../ports/vector-store.js';
import { toOptionalQdrantFilter, toQdrantFilter } from './filter.js';
import { MAPPED_IDS, toQdrantId } from './ids.js';

// UUIDv5 of these ids in Tailor's namespace, computed independently (Python's uuid.uuid5).
const P1 = 'fbdbbeea-9743-51b7-92ac-15a41a6f6872';
const P2 = '37732520-133f-58b2-9364-3883a4020920';
const USER_42 = 'b90f10d5-0844-599c-be2e-bff8b50b23ba';

function refused(filter: unknown, pattern: RegExp): void {
  assert.throws(
    () => toQdrantFilter(filter as Filter),
    (err: unknown) => err instanceof TailorError && !err.retriable && pattern.test(err.message),
  );
}

describe('toQdrantId', () => {
  it('maps a string id to its UUIDv5 in the fixed namespace', () => {
    assert.equal(toQdrantId('p1'), P1);
    assert.equal(toQdrantId('user:42'), USER_42);
  });

  it('maps an id the same again once more ids than it keeps have pushed it out', () => {
    assert.equal(toQdrantId('p1'), P1);
    for (let i = 0; i <= MAPPED_IDS; i += 1) toQdrantId(`other-${i}`);
    assert.equal(toQdrantId('p1'), P1);
    assert.equal(toQdrantId('p2'), P2);
  });

  it('maps an id that already is a UUID like any other string', () => {
    const id = '550e8400-e29b-41d4-a716-446655440000';
    assert.notEqual(toQdrantId(id), id);
    assert.match(
      toQdrantId(id),
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('toQdrantFilter', () => {
  describe('when conditions match values', () => {
    it('keeps strings, integers and booleans as match values', () => {
      assert.deepEqual(
        toQdrantFilter({
          must: [
            { key: 'category', match: { value: 'shoes' } },
            { key: 'stock', match: { value: 7 } },
            { key: 'inStock', match: { value: false } },
          ],
        }),
        {
          must: [
            { key: 'category', match: { value: 'shoes' } },
            { key: 'stock', match: { value: 7 } },
            { key: 'inStock', match: { value: false } },
          ],
        },
      );
    });

    it('turns a fractional number into the closed range around it', () => {
      assert.deepEqual(toQdrantFilter({ must: [{ key: 'price', match: { value: 25.5 } }] }), {
        must: [{ key: 'price', range: { gte: 25.5, lte: 25.5 } }],
      });
    });

    it('keeps an all-string or all-integer any list', () => {
      assert.deepEqual(
        toQdrantFilter({
          should: [
            { key: 'category', match: { any: ['hats', 'socks'] } },
            { key: 'stock', match: { any: [0, 1] } },
          ],
        }),
        {
          should: [
            { key: 'category', match: { any: ['hats', 'socks'] } },
            { key: 'stock', match: { any: [0, 1] } },
          ],
        },
      );
    });

    it('splits a mixed any list into a should of the kinds Qdrant accepts', () => {
      assert.deepEqual(
        toQdrantFilter({ must: [{ key: 'x', match: { any: [1, 'a', true, 2, 'b', 0.5] } }] }),
        {
          must: [
            {
              should: [
                { key: 'x', match: { any: ['a', 'b'] } },
                { key: 'x', match: { any: [1, 2] } },
                { key: 'x', match: { value: true } },
                { key: 'x', range: { gte: 0.5, lte: 0.5 } },
              ],
            },
          ],
        },
      );
    });

    it('turns an any list of one boolean into a plain match', () => {
      assert.deepEqual(toQdrantFilter({ must: [{ key: 'flag', match: { any: [true] } }] }), {
        must: [{ key: 'flag', match: { value: true } }],
      });
    });

    it('turns an empty any list into a condition no point meets', () => {
      assert.deepEqual(toQdrantFilter({ must: [{ key: 'tags', match: { any: [] } }] }), {
        must: [{ has_id: [] }],
      });
    });
  });

  describe('when conditions are ranges', () => {
    it('passes the given bounds and leaves out the others', () => {
      assert.deepEqual(
        toQdrantFilter({
          must: [
            { key: 'price', range: { gt: 1, lte: 50 } },
            { key: 'sizes', range: { gte: 40 } },
            { key: 'age', range: {} },
          ],
        }),
        {
          must: [
            { key: 'price', range: { gt: 1, lte: 50 } },
            { key: 'sizes', range: { gte: 40 } },
            { key: 'age', range: {} },
          ],
        },
      );
    });
  });

  describe('when conditions name ids', () => {
    it('maps has_id through the point id mapping', () => {
      assert.deepEqual(toQdrantFilter({ must_not: [{ has_id: ['p1', 'p2', 'user:42'] }] }), {
        must_not: [{ has_id: [P1, P2, USER_42] }],
      });
    });
  });

  describe('when filters nest', () => {
    it('translates every level and keeps dotted keys', () => {
      const filter: Filter = {
        must: [
          {
            should: [
              { key: 'brand.name', match: { value: 'acme' } },
              { must_not: [{ has_id: ['p1'] }] },
            ],
          },
          { key: 'price', match: { value: 9.99 } },
        ],
        must_not: [{ must: [{ key: 'tags[].name', match: { any: ['x'] } }] }],
      };
      assert.deepEqual(toQdrantFilter(filter), {
        must: [
          {
            should: [
              { key: 'brand.name', match: { value: 'acme' } },
              { must_not: [{ has_id: [P1] }] },
            ],
          },
          { key: 'price', range: { gte: 9.99, lte: 9.99 } },
        ],
        must_not: [{ must: [{ key: 'tags[].name', match: { any: ['x'] } }] }],
      });
    });

    it('leaves out empty clause lists, which constrain nothing', () => {
      assert.deepEqual(toQdrantFilter({ must: [], should: [], must_not: [] }), {});
      assert.deepEqual(toQdrantFilter({ must: [{ should: [] }] }), { must: [{}] });
    });
  });

  describe('when the filter is outside the subset', () => {
    it('refuses unknown clauses, naming where', () => {
      refused(
        { must: [{ key: 'a', match: { text: 'x' } }] },
        /filter\.must\[0\]\.match must have value or any/,
      );
      refused({ filter: [] }, /filter\.filter is not part of the filter subset/);
      refused(
        { must: [{ key: 'a', range: { gt: 'x' } }] },
        /filter\.must\[0\]\.range\.gt must be a number/,
      );
      refused(
        { must: [{ key: 'a', range: { near: 1 } }] },
        /range\.near is not one of gt, gte, lt, lte/,
      );
      refused({ must: [{ key: '', match: { value: 1 } }] }, /\.key must be a non-empty string/);
      refused(
        { must: [{ key: 'a', match: { value: Number.NaN } }] },
        /match\.value must be a string, a finite number/,
      );
      refused({ must: [{ has_id: [1] }] }, /has_id must be an array of string ids/);
      refused({ must: {} }, /filter\.must must be an array/);
    });
  });
});

describe('toOptionalQdrantFilter', () => {
  it('gives undefined for no filter or one that constrains nothing', () => {
    assert.equal(toOptionalQdrantFilter(undefined), undefined);
    assert.equal(toOptionalQdrantFilter({}), undefined);
    assert.equal(toOptionalQdrantFilter({ should: [] }), undefined);
    assert.deepEqual(toOptionalQdrantFilter({ must: [{ key: 'a', match: { value: 'b' } }] }), {
      must: [{ key: 'a', match: { value: 'b' } }],
    });
  });
});
