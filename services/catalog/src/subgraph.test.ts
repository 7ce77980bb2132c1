import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { ITEM_LIMITS } from './domain/item.js';
import {
  type CatalogUnderTest,
  type GraphQLAnswer,
  startCatalogUnderTest,
} from './testing/catalog-under-test.js';

const ITEM_FIELDS = `id title description category tags price { amount currency } imageUrl inStock
  attributes { name value } createdAt updatedAt`;

const UPSERT = `mutation Upsert($items: [ItemInput!]!) {
  upsertItems(items: $items) { upserted items { ${ITEM_FIELDS} } errors { index itemId field message } }
}`;

interface UpsertAnswer {
  upsertItems: {
    upserted: number;
    items: { id: string; createdAt: string; updatedAt: string; tags: string[] }[];
    errors: { index: number; itemId: string | null; field: string; message: string }[];
  };
}

interface PageAnswer {
  items: {
    nodes: { id: string }[];
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
    totalCount: number;
  };
}

function input(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    title: `Item ${id}`,
    description: 'A plain test item.',
    category: 'testing',
    price: { amount: 10, currency: 'EUR' },
    ...overrides,
  };
}

async function upsert(
  t: CatalogUnderTest,
  items: Record<string, unknown>[],
): Promise<UpsertAnswer['upsertItems']> {
  const answer = await t.gql<UpsertAnswer>(UPSERT, { items });
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
  return answer.data!.upsertItems;
}

describe('catalog subgraph', () => {
  let t: CatalogUnderTest;
  const T0 = Date.UTC(2025, 2, 1);

  before(async () => {
    t = await startCatalogUnderTest({ now: T0 });
  });
  after(async () => {
    await t.close();
  });

  describe('when a batch mixes valid and invalid items', () => {
    it('stores the valid ones and reports the invalid one by field', async () => {
      const result = await upsert(t, [
        input('mix-1', {
          title: 'Valid one',
          tags: ['Gift', 'gift', ' Audio '],
          attributes: [{ name: 'brand', value: 'Voltra' }],
          imageUrl: 'https://images.example.com/mix-1.jpg',
        }),
        input('mix-2', { price: { amount: 12.345, currency: 'EUR' } }),
        input('mix-3', { inStock: false }),
      ]);
      assert.equal(result.upserted, 2);
      assert.deepEqual(
        result.items.map((i) => i.id),
        ['mix-1', 'mix-3'],
      );
      assert.equal(result.errors.length, 1);
      const [error] = result.errors;
      assert.equal(error!.index, 1);
      assert.equal(error!.itemId, 'mix-2');
      assert.equal(error!.field, 'price.amount');
      assert.match(error!.message, /decimals/);
      assert.deepEqual(result.items[0]!.tags, ['gift', 'audio']);
    });

    it('serves the stored item by id and null for the refused and unknown ones', async () => {
      const answer = await t.gql<{ a: Record<string, unknown> | null; b: unknown; c: unknown }>(
        `query { a: item(id: "mix-1") { ${ITEM_FIELDS} } b: item(id: "mix-2") { id } c: item(id: "nope") { id } }`,
      );
      assert.equal(answer.errors, undefined);
      assert.deepEqual(answer.data!.a, {
        id: 'mix-1',
        title: 'Valid one',
        description: 'A plain test item.',
        category: 'testing',
        tags: ['gift', 'audio'],
        price: { amount: 10, currency: 'EUR' },
        imageUrl: 'https://images.example.com/mix-1.jpg',
        inStock: true,
        attributes: [{ name: 'brand', value: 'Voltra' }],
        createdAt: new Date(T0).toISOString(),
        updatedAt: new Date(T0).toISOString(),
      });
      assert.equal(answer.data!.b, null);
      assert.equal(answer.data!.c, null);
    });
  });

  describe('when an existing item is upserted again', () => {
    it('keeps createdAt and moves updatedAt', async () => {
      const later = T0 + 3_600_000;
      t.setNow(later);
      try {
        const result = await upsert(t, [input('mix-1', { title: 'Renamed' })]);
        assert.equal(result.items[0]!.createdAt, new Date(T0).toISOString());
        assert.equal(result.items[0]!.updatedAt, new Date(later).toISOString());
        const answer = await t.gql<{ item: { title: string; tags: string[] } }>(
          'query { item(id: "mix-1") { title tags } }',
        );
        assert.equal(answer.data!.item.title, 'Renamed');
        assert.deepEqual(answer.data!.item.tags, [], 'the item is replaced whole');
      } finally {
        t.setNow(T0);
      }
    });
  });

  describe('when a batch is over the size limit', () => {
    it('refuses it whole with BAD_USER_INPUT naming items and stores nothing', async () => {
      const items = Array.from({ length: ITEM_LIMITS.maxBatchSize + 1 }, (_, i) =>
        input(`big-${i}`),
      );
      const answer = await t.gql(UPSERT, { items });
      assert.equal(answer.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.equal(answer.errors?.[0]?.extensions?.field, 'items');
      const check = await t.gql<{ item: unknown }>('query { item(id: "big-0") { id } }');
      assert.equal(check.data!.item, null);
    });
  });

  describe('when paging through items', () => {
    const ids = Array.from({ length: 23 }, (_, i) => `page-${String(i).padStart(2, '0')}`);

    before(async () => {
      await upsert(
        t,
        ids.map((id, i) => input(id, { category: 'Paging', inStock: i % 4 !== 0 })),
      );
    });

    async function walk(
      args: string,
      first: number,
    ): Promise<{ ids: string[]; totals: number[]; pages: number }> {
      const seen: string[] = [];
      const totals: number[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const answer: GraphQLAnswer<PageAnswer> = await t.gql<PageAnswer>(
          `query Page($first: Int, $after: String) { items(first: $first, after: $after, ${args}) {
            nodes { id } pageInfo { endCursor hasNextPage } totalCount } }`,
          { first, after },
        );
        assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
        const page = answer.data!.items;
        pages += 1;
        seen.push(...page.nodes.map((n) => n.id));
        totals.push(page.totalCount);
        assert.ok(page.nodes.length <= first);
        if (!page.pageInfo.hasNextPage) {
          assert.equal(page.pageInfo.endCursor, null);
          return { ids: seen, totals, pages };
        }
        after = page.pageInfo.endCursor;
        assert.ok(pages < 50, 'paging does not end');
      }
    }

    it('returns every item of a category exactly once', async () => {
      const result = await walk('category: "paging"', 5);
      assert.deepEqual([...result.ids].sort(), ids);
      assert.equal(result.pages, 5);
      assert.ok(result.totals.every((total) => total === ids.length));
    });

    it('filters out items that are not in stock', async () => {
      const result = await walk('category: "PAGING", inStockOnly: true', 7);
      assert.deepEqual(
        [...result.ids].sort(),
        ids.filter((_, i) => i % 4 !== 0),
      );
    });

    it('covers the whole catalog without a filter', async () => {
      const result = await walk('', 100);
      assert.equal(new Set(result.ids).size, result.ids.length);
      for (const id of ids) assert.ok(result.ids.includes(id));
    });

    it('refuses first outside 1..100 and a foreign cursor, naming the argument', async () => {
      for (const [args, field] of [
        ['first: 0', 'first'],
        ['first: 101', 'first'],
        ['after: "page-01"', 'after'],
      ] as const) {
        const answer = await t.gql(`query { items(${args}) { totalCount } }`);
        assert.equal(answer.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', args);
        assert.equal(answer.errors?.[0]?.extensions?.field, field, args);
        assert.match(answer.errors![0]!.message, new RegExp(field));
      }
    });
  });

  describe('when searching', () => {
    before(async () => {
      await upsert(t, [
        input('search-speaker', {
          title: 'Arcwave Go Bluetooth Speaker',
          description: 'A portable speaker with room-filling sound.',
          category: 'electronics',
          tags: ['speaker', 'audio', 'bluetooth'],
        }),
        input('search-headphones', {
          title: 'Voltra Studio Wireless Headphones',
          description: 'Over-ear wireless headphones with active noise cancelling.',
          category: 'electronics',
          tags: ['wireless', 'headphones', 'audio'],
        }),
        input('search-cookbook', {
          title: 'The Weeknight Kitchen',
          description: 'Simple recipes for weeknight dinners.',
          category: 'books',
          tags: ['cookbook', 'recipes'],
        }),
        input('search-sneakers', {
          title: 'Oakthread Canvas Sneakers',
          description: 'Low-top canvas sneakers with a rubber sole.',
          category: 'fashion',
          tags: ['shoes', 'sneakers'],
          inStock: false,
        }),
      ]);
    });

    it('ranks the matching item first', async () => {
      const answer = await t.gql<{ searchItems: { item: { id: string }; score: number }[] }>(
        'query { searchItems(text: "wireless headphones", first: 3) { item { id } score } }',
      );
      assert.equal(answer.errors, undefined);
      const hits = answer.data!.searchItems;
      assert.equal(hits.length, 3);
      assert.equal(hits[0]!.item.id, 'search-headphones');
      assert.ok(hits[0]!.score > hits[1]!.score);
    });

    it('applies the category and stock filters', async () => {
      const answer = await t.gql<{ a: { item: { id: string } }[]; b: { item: { id: string } }[] }>(
        `query { a: searchItems(text: "sneakers", category: "Fashion") { item { id } }
                 b: searchItems(text: "sneakers", category: "fashion", inStockOnly: true) { item { id } } }`,
      );
      assert.deepEqual(
        answer.data!.a.map((h) => h.item.id),
        ['search-sneakers'],
      );
      assert.deepEqual(answer.data!.b, []);
    });

    it('refuses a blank text and a text over the limit, naming text', async () => {
      for (const text of ['  ', 'x'.repeat(501)]) {
        const answer = await t.gql(
          'query Search($text: String!) { searchItems(text: $text) { score } }',
          { text },
        );
        assert.equal(answer.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
        assert.equal(answer.errors?.[0]?.extensions?.field, 'text');
      }
    });
  });

  describe('when listing categories', () => {
    it('gives every category with its count, sorted by name', async () => {
      const answer = await t.gql<{ categories: { name: string; itemCount: number }[] }>(
        'query { categories { name itemCount } }',
      );
      const categories = answer.data!.categories;
      const names = categories.map((c) => c.name);
      assert.deepEqual(names, [...names].sort());
      assert.deepEqual(
        categories.find((c) => c.name === 'paging'),
        { name: 'paging', itemCount: 23 },
      );
      assert.deepEqual(
        categories.find((c) => c.name === 'electronics'),
        { name: 'electronics', itemCount: 2 },
      );
    });
  });

  describe('when the gateway resolves Item references', () => {
    it('answers _entities in order, with null for unknown ids, in one store call', async () => {
      const before = t.calls.retrieve;
      const answer = await t.gql<{ _entities: ({ id: string; title: string } | null)[] }>(
        `query Refs($representations: [_Any!]!) {
          _entities(representations: $representations) { ... on Item { id title price { amount } } }
        }`,
        {
          representations: [
            { __typename: 'Item', id: 'search-headphones' },
            { __typename: 'Item', id: 'unknown-item' },
            { __typename: 'Item', id: 'search-speaker' },
            { __typename: 'Item', id: 'search-headphones' },
          ],
        },
      );
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      assert.deepEqual(
        answer.data!._entities.map((e) => e?.id ?? null),
        ['search-headphones', null, 'search-speaker', 'search-headphones'],
      );
      assert.equal(answer.data!._entities[0]!.title, 'Voltra Studio Wireless Headphones');
      assert.equal(t.calls.retrieve - before, 1);
    });
  });
});

describe('catalog metrics', () => {
  let t: CatalogUnderTest;

  before(async () => {
    t = await startCatalogUnderTest();
  });
  after(async () => {
    await t.close();
  });

  const written = async (): Promise<Record<string, number>> => {
    const text = await (await fetch(new URL('/metrics', t.catalog.url))).text();
    const counts: Record<string, number> = {};
    for (const [, outcome, value] of text.matchAll(
      /^tailor_catalog_items_written_total\{[^}]*outcome="(\w+)"[^}]*\} (\S+)$/gm,
    ))
      counts[outcome!] = Number(value);
    return counts;
  };

  it('counts written items as created, updated or refused, and times the embedding', async () => {
    await upsert(t, [input('m-1'), input('m-2', { price: { amount: -1, currency: 'EUR' } })]);
    await upsert(t, [input('m-1', { title: 'Renamed' }), input('m-3')]);
    assert.deepEqual(await written(), { refused: 1, created: 2, updated: 1 });
    const text = await (await fetch(new URL('/metrics', t.catalog.url))).text();
    assert.match(text, /^tailor_catalog_embed_seconds_count\{[^}]*\} 2$/m);
  });
});
