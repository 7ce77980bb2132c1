import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { Filter, Payload } from '../../../ports/vector-store.js';
import { FilterError } from '../../../ports/vector-store-filter.js';
import { compileFilter, compileSlotFilter, payloadValues } from './filter.js';

const item: Payload = {
  category: 'shoes',
  price: 19.5,
  count: 3,
  inStock: true,
  tags: ['red', 'sale'],
  brand: { name: 'acme', origin: { country: 'de' } },
  variants: [
    { color: 'red', size: 40 },
    { color: 'blue', size: 42 },
  ],
  empty: [],
  nothing: null,
};

const matches = (filter: Filter | undefined, id = 'p1', payload = item) =>
  compileFilter(filter)(id, payload);

describe('payloadValues', () => {
  describe('when the path has dots', () => {
    it('steps into nested objects', () => {
      assert.deepEqual(payloadValues(item, 'brand.origin.country'), ['de']);
    });

    it('steps through arrays of objects, with or without []', () => {
      assert.deepEqual(payloadValues(item, 'variants.color'), ['red', 'blue']);
      assert.deepEqual(payloadValues(item, 'variants[].size'), [40, 42]);
    });

    it('gives nothing for a missing path', () => {
      assert.deepEqual(payloadValues(item, 'brand.missing.deeper'), []);
      assert.deepEqual(payloadValues(item, 'price.cents'), []);
    });
  });

  describe('when the value is an array', () => {
    it('gives its elements', () => {
      assert.deepEqual(payloadValues(item, 'tags'), ['red', 'sale']);
      assert.deepEqual(payloadValues(item, 'empty'), []);
    });
  });
});

describe('compileFilter', () => {
  describe('when a condition matches values', () => {
    it('compares type and value exactly', () => {
      assert.equal(matches({ must: [{ key: 'category', match: { value: 'shoes' } }] }), true);
      assert.equal(matches({ must: [{ key: 'count', match: { value: 3 } }] }), true);
      assert.equal(matches({ must: [{ key: 'count', match: { value: '3' } }] }), false);
      assert.equal(matches({ must: [{ key: 'inStock', match: { value: true } }] }), true);
      assert.equal(matches({ must: [{ key: 'inStock', match: { value: 'true' } }] }), false);
    });

    it('matches any element of an array field', () => {
      assert.equal(matches({ must: [{ key: 'tags', match: { value: 'sale' } }] }), true);
      assert.equal(matches({ must: [{ key: 'tags', match: { any: ['x', 'red'] } }] }), true);
      assert.equal(matches({ must: [{ key: 'tags', match: { any: ['x', 'y'] } }] }), false);
      assert.equal(matches({ must: [{ key: 'variants.size', range: { gte: 41 } }] }), true);
    });

    it('matches ranges on numbers only', () => {
      assert.equal(matches({ must: [{ key: 'price', range: { gt: 19, lt: 20 } }] }), true);
      assert.equal(matches({ must: [{ key: 'price', range: { gt: 19.5 } }] }), false);
      assert.equal(matches({ must: [{ key: 'price', range: { gte: 19.5, lte: 19.5 } }] }), true);
      assert.equal(matches({ must: [{ key: 'category', range: { gte: 0 } }] }), false);
    });
  });

  describe('when a field is missing or null', () => {
    it('satisfies no condition, so must_not keeps the point', () => {
      assert.equal(matches({ must: [{ key: 'color', match: { value: 'red' } }] }), false);
      assert.equal(matches({ must_not: [{ key: 'color', match: { value: 'red' } }] }), true);
      assert.equal(matches({ must: [{ key: 'nothing', match: { any: ['x'] } }] }), false);
    });
  });

  describe('when clauses combine', () => {
    it('needs every must, one should when given, and no must_not', () => {
      const filter: Filter = {
        must: [{ key: 'inStock', match: { value: true } }],
        should: [
          { key: 'category', match: { value: 'hats' } },
          { key: 'tags', match: { value: 'red' } },
        ],
        must_not: [{ has_id: ['p2'] }],
      };
      assert.equal(matches(filter, 'p1'), true);
      assert.equal(matches(filter, 'p2'), false);
      assert.equal(
        matches({ should: [{ key: 'category', match: { value: 'hats' } }] }),
        false,
        'a should that nothing satisfies refuses',
      );
      assert.equal(matches({ should: [] }), true, 'an empty should puts no constraint');
      assert.equal(matches({}), true);
      assert.equal(matches(undefined), true);
    });

    it('evaluates nested filters as conditions', () => {
      const filter: Filter = {
        must: [
          {
            should: [
              { key: 'brand.origin.country', match: { value: 'fr' } },
              { must: [{ key: 'brand.name', match: { value: 'acme' } }, { has_id: ['p1'] }] },
            ],
          },
        ],
      };
      assert.equal(matches(filter, 'p1'), true);
      assert.equal(matches(filter, 'p9'), false);
    });
  });

  describe('when the filter is outside the subset', () => {
    it('throws a FilterError naming the place', () => {
      const cases: [unknown, RegExp][] = [
        [
          { must: [{ key: 'x', match: { text: 'y' } }] },
          /filter\.must\[0\]\.match must have value or any/,
        ],
        [{ should: [{ key: 'x', range: { between: 1 } }] }, /filter\.should\[0\]\.range\.between/],
        [{ must: [{ key: 'x' }] }, /neither match nor range/],
        [{ filter: [] }, /filter\.filter is not part of the filter subset/],
        [
          { must: [{ must_not: [{ key: 'x', match: { value: {} } }] }] },
          /must\[0\]\.must_not\[0\]\.match\.value/,
        ],
        [{ must: {} }, /filter\.must must be an array/],
      ];
      for (const [filter, message] of cases) {
        assert.throws(
          () => compileFilter(filter as Filter),
          (err: Error) => err instanceof FilterError && message.test(err.message),
          JSON.stringify(filter),
        );
      }
    });
  });
});

describe('compileSlotFilter', () => {
  const payloads: Payload[] = [
    item,
    { category: 'hats', price: 5, inStock: false, tags: ['blue'] },
    { category: 'shoes', price: 99, tags: [], brand: { name: 'zenith' } },
    { price: '19.5', inStock: 'true', nothing: null },
    JSON.parse('{"__proto__": {"category": "shoes"}, "category": ["hats", "shoes"]}') as Payload,
  ];
  const ids = payloads.map((_, i) => `p${i}`);
  const filters: Filter[] = [
    { must: [{ key: 'category', match: { value: 'shoes' } }] },
    { must: [{ key: 'inStock', match: { value: true } }], must_not: [{ has_id: ['p0'] }] },
    {
      should: [
        { key: 'tags', match: { any: ['blue', 'sale'] } },
        { key: 'price', range: { gt: 50 } },
      ],
    },
    {
      must_not: [
        { key: 'nothing', match: { value: 'x' } },
        { key: 'constructor', match: { value: 'x' } },
      ],
    },
    {
      must: [
        { key: 'brand.name', match: { any: ['acme', 'zenith'] } },
        { must_not: [{ key: 'price', range: { lte: 10 } }] },
      ],
    },
  ];

  for (const withColumns of [false, true]) {
    describe(
      withColumns ? 'when top-level keys are kept as columns' : 'when no key is a column',
      () => {
        it('agrees with compileFilter on every point', () => {
          const columns = new Map<string, unknown[]>();
          for (const key of ['category', 'inStock', 'tags', 'price', 'nothing', 'constructor']) {
            columns.set(
              key,
              payloads.map((p) => p[key]),
            );
          }
          const source = {
            ids,
            payloadAt: (slot: number) => payloads[slot]!,
            keyColumn: (key: string) => (withColumns ? columns.get(key) : undefined),
          };
          for (const filter of filters) {
            const bySlot = compileSlotFilter(filter, source);
            const byPoint = compileFilter(filter);
            payloads.forEach((payload, slot) =>
              assert.equal(
                bySlot(slot),
                byPoint(ids[slot]!, payload),
                `${JSON.stringify(filter)} at ${slot}`,
              ),
            );
          }
        });
      },
    );
  }

  it('refuses what compileFilter refuses, with the same message', () => {
    const bad = { must: [{ key: 'x', match: { text: 'y' } }] } as unknown as Filter;
    const source = {
      ids,
      payloadAt: (slot: number) => payloads[slot]!,
      keyColumn: () => undefined,
    };
    assert.throws(
      () => compileSlotFilter(bad, source),
      /filter\.must\[0\]\.match must have value or any/,
    );
  });
});
