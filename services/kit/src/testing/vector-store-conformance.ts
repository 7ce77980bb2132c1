import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';

import { CollectionLayoutError } from '../errors.js';
import type {
  CollectionSpec,
  Filter,
  Payload,
  PointInput,
  SearchRequest,
  StoredPoint,
  VectorStore,
} from '../ports/vector-store.js';
import { FilterError } from '../ports/vector-store-filter.js';

/** What a conformance factory hands the suite for one test. */
export interface VectorStoreUnderTest {
  store: VectorStore;
  /**
   * Closes every store the factory opened (including reopened ones) and removes what they
   * stored. Called once at the end of every test, also after the test closed the store itself.
   */
  cleanup(): Promise<void>;
  /**
   * Opens a new store over the same storage, after the suite closed `store`. Given only by
   * adapters whose data the suite can reopen (the embedded snapshot + WAL); enables durability
   * tests.
   */
  reopen?: () => Promise<VectorStore>;
}

/** Options of {@link describeVectorStoreConformance}. */
export interface VectorStoreConformanceOptions {
  /**
   * When set, every test of the suite is registered as skipped with this reason (e.g. no server),
   * so a run without the server says skipped, never passed.
   */
  skip?: string;
  /** Deadline of each test. */
  testTimeoutMs?: number;
}

const EPSILON = 1e-4;

function unique(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

function cosineSpec(name: string, size = 3): CollectionSpec {
  return { name, vectors: { v: { size, distance: 'cosine' } } };
}

function dotSpec(name: string, size = 3): CollectionSpec {
  return { name, vectors: { v: { size, distance: 'dot' } } };
}

function point(id: string, v: readonly number[], payload: Payload = {}): PointInput {
  return { id, vectors: { v }, payload };
}

function assertClose(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i += 1) {
    assert.ok(
      Math.abs(actual[i]! - expected[i]!) < EPSILON,
      `${what}[${i}]: expected ${expected[i]}, got ${actual[i]}`,
    );
  }
}

function ids(points: readonly { id: string }[]): string[] {
  return points.map((p) => p.id).sort();
}

/** Eight products with payloads that exercise every filter form. */
const FIXTURE: readonly PointInput[] = [
  point('p1', [1, 0, 0], {
    category: 'shoes',
    price: 10,
    stock: 3,
    inStock: true,
    tags: ['red', 'sale'],
    brand: { name: 'acme', country: 'de' },
    sizes: [38, 40],
  }),
  point('p2', [0.9, 0.1, 0], {
    category: 'shoes',
    price: 25.5,
    stock: 0,
    inStock: false,
    tags: ['blue'],
    brand: { name: 'zenith', country: 'fr' },
    sizes: [42],
  }),
  point('p3', [0, 1, 0], {
    category: 'hats',
    price: 5,
    stock: 12,
    inStock: true,
    tags: ['red'],
    brand: { name: 'acme', country: 'de' },
  }),
  point('p4', [0, 0.9, 0.1], {
    category: 'hats',
    price: 99.99,
    stock: 1,
    inStock: true,
    tags: [],
    brand: { name: 'orbit', country: 'us' },
  }),
  point('p5', [0, 0, 1], {
    category: 'bags',
    price: 50,
    stock: 7,
    inStock: false,
    tags: ['sale', 'leather'],
    brand: { name: 'zenith', country: 'fr' },
  }),
  point('p6', [0.5, 0.5, 0], { category: 'bags', price: 50, stock: 2, inStock: true }),
  point('p7', [0.2, 0.2, 0.9], {
    category: 'socks',
    price: 2,
    stock: 100,
    inStock: true,
    tags: ['blue', 'sale'],
    brand: { name: 'acme', country: 'it' },
  }),
  point('p8', [0.3, 0, 0.7], { category: 'socks', stock: 5, inStock: false, tags: ['green'] }),
];

/**
 * Registers the VectorStore conformance suite: every adapter of the port must pass it. Each test
 * gets a fresh store from `factory` and uses fresh collection names.
 */
export function describeVectorStoreConformance(
  name: string,
  factory: () => Promise<VectorStoreUnderTest>,
  options: VectorStoreConformanceOptions = {},
): void {
  const testTimeoutMs = options.testTimeoutMs ?? 60_000;
  const skip = options.skip;

  const test = (
    title: string,
    body: (store: VectorStore, under: VectorStoreUnderTest, t: TestContext) => Promise<void>,
  ) =>
    // Each test is marked skipped (not just the suite) so the run's summary counts them.
    it(title, { timeout: testTimeoutMs, ...(skip === undefined ? {} : { skip }) }, async (t) => {
      const under = await factory();
      try {
        await body(under.store, under, t);
      } finally {
        await under.cleanup();
      }
    });

  const fixture = async (store: VectorStore) => {
    const collection = unique('conf');
    await store.ensureCollection({
      ...cosineSpec(collection),
      payloadIndexes: { category: 'keyword', price: 'float', inStock: 'bool', tags: 'keyword' },
    });
    await store.upsert(collection, FIXTURE);
    return collection;
  };

  /** Matching ids through scroll, with count and search agreeing. */
  const matching = async (store: VectorStore, collection: string, filter: Filter) => {
    const scrolled = await store.scroll(collection, { limit: 100, filter });
    const counted = await store.count(collection, filter);
    const searched = await store.search(collection, {
      using: 'v',
      vector: [1, 1, 1],
      limit: 100,
      filter,
    });
    const result = ids(scrolled.points);
    assert.equal(counted, result.length, 'count agrees with scroll');
    assert.deepEqual(ids(searched), result, 'search agrees with scroll');
    return result;
  };

  describe(`VectorStore conformance: ${name}`, () => {
    describe('when a collection is ensured twice', () => {
      test('keeps it and its points', async (store) => {
        const collection = unique('conf');
        await store.ensureCollection(cosineSpec(collection));
        await store.upsert(collection, [point('a', [1, 0, 0], { n: 1 })]);
        await store.ensureCollection(cosineSpec(collection));
        assert.equal(await store.count(collection), 1);
        const [stored] = await store.retrieve(collection, ['a']);
        assert.deepEqual(stored?.payload, { n: 1 });
      });

      test('refuses it with another vector size, naming the vector, and keeps it', async (store) => {
        const collection = unique('conf');
        await store.ensureCollection(cosineSpec(collection));
        await store.upsert(collection, [point('a', [1, 0, 0])]);
        await assert.rejects(store.ensureCollection(cosineSpec(collection, 4)), (err) => {
          assert.ok(err instanceof CollectionLayoutError, `a CollectionLayoutError, got ${err}`);
          assert.equal(err.collection, collection);
          assert.equal(err.vector, 'v');
          assert.match(err.message, /\b3\b.*\b4\b/);
          return true;
        });
        assert.equal(await store.count(collection), 1);
      });
    });

    describe('when points are upserted and retrieved', () => {
      test('returns payloads, and vectors only when asked', async (store) => {
        const collection = unique('conf');
        await store.ensureCollection({
          name: collection,
          vectors: {
            long: { size: 3, distance: 'dot' },
            text: { size: 4, distance: 'cosine' },
          },
        });
        const payload = {
          title: 'Trail shoe',
          price: 59.9,
          count: 3,
          inStock: true,
          tags: ['run', 'trail'],
          attributes: { color: 'red', nested: { deep: [1, 2] } },
          nothing: null,
        };
        await store.upsert(collection, [
          {
            id: 'a',
            vectors: { long: [1, 2, 3], text: new Float32Array([3, 0, 4, 0]) },
            payload,
          },
        ]);

        const [plain] = await store.retrieve(collection, ['a', 'missing']);
        assert.equal(plain?.id, 'a');
        assert.deepEqual(plain?.payload, payload);
        assert.equal(plain?.vectors, undefined, 'no vectors unless asked');

        const withVectors = await store.retrieve(collection, ['a'], { withVectors: true });
        assert.equal(withVectors.length, 1);
        const vectors = withVectors[0]?.vectors;
        assert.ok(vectors?.long instanceof Float32Array, 'vectors come as Float32Array');
        assertClose(vectors.long, [1, 2, 3], 'dot vector');
        assertClose(vectors.text ?? [], [0.6, 0, 0.8, 0], 'cosine vector, normalized');
        assert.deepEqual(await store.retrieve(collection, ['missing']), []);
      });

      test('replaces the whole point on a second upsert', async (store) => {
        const collection = unique('conf');
        await store.ensureCollection(dotSpec(collection));
        await store.upsert(collection, [point('a', [1, 0, 0], { old: true, keep: 1 })]);
        await store.upsert(collection, [point('a', [0, 2, 0], { keep: 2 })]);
        const [stored] = await store.retrieve(collection, ['a'], { withVectors: true });
        assert.deepEqual(stored?.payload, { keep: 2 });
        assertClose(stored?.vectors?.v ?? [], [0, 2, 0], 'the new vector');
        assert.equal(await store.count(collection), 1);
      });

      test('keeps string ids of any form unchanged', async (store) => {
        const collection = unique('conf');
        await store.ensureCollection(cosineSpec(collection));
        const odd = [
          'sku-1',
          'user:42',
          '42',
          '0',
          'ünïcödé/商品 🙂',
          '550e8400-e29b-41d4-a716-446655440000',
          ' spaced id ',
          'a'.repeat(120),
        ];
        await store.upsert(
          collection,
          odd.map((id, i) => point(id, [1, i + 1, 0], { i })),
        );
        const retrieved = await store.retrieve(collection, odd);
        assert.deepEqual(ids(retrieved), [...odd].sort());
        for (const p of retrieved) assert.deepEqual(p.payload, { i: odd.indexOf(p.id) });

        const searched = await store.search(collection, {
          using: 'v',
          vector: [1, 1, 0],
          limit: 20,
        });
        assert.deepEqual(ids(searched), [...odd].sort());
        const page = await store.scroll(collection, { limit: 20 });
        assert.deepEqual(ids(page.points), [...odd].sort());
        assert.deepEqual(
          await matching(store, collection, { must: [{ has_id: ['user:42', 'ünïcödé/商品 🙂'] }] }),
          ['user:42', 'ünïcödé/商品 🙂'].sort(),
        );
        await store.delete(collection, { ids: ['sku-1', '550e8400-e29b-41d4-a716-446655440000'] });
        assert.equal(await store.count(collection), odd.length - 2);
      });

      test('returns copies that callers cannot use to change the store', async (store) => {
        const collection = unique('conf');
        await store.ensureCollection(dotSpec(collection));
        const input = point('a', [1, 2, 3], { tags: ['x'] });
        await store.upsert(collection, [input]);
        (input.payload.tags as string[]).push('mutated-input');
        const [first] = await store.retrieve(collection, ['a'], { withVectors: true });
        (first?.payload.tags as string[]).push('mutated-output');
        first!.vectors!.v![0] = 99;
        const [second] = await store.retrieve(collection, ['a'], { withVectors: true });
        assert.deepEqual(second?.payload, { tags: ['x'] });
        assertClose(second?.vectors?.v ?? [], [1, 2, 3], 'the stored vector');
      });
    });

    describe('when a point lacks one of the named vectors', () => {
      const twoVectors = (name: string): CollectionSpec => ({
        name,
        vectors: { content: { size: 3, distance: 'cosine' }, cf: { size: 2, distance: 'dot' } },
      });

      test('stores it, leaves it out of searches over that vector, and finds it by the other', async (store) => {
        const collection = unique('conf');
        await store.ensureCollection(twoVectors(collection));
        await store.upsert(collection, [
          { id: 'old', vectors: { content: [1, 0, 0], cf: [1, 0] }, payload: { n: 1 } },
          { id: 'new', vectors: { content: [1, 0, 0] }, payload: { n: 2 } },
        ]);
        const [fresh] = await store.retrieve(collection, ['new'], { withVectors: true });
        assert.deepEqual(Object.keys(fresh?.vectors ?? {}), ['content']);
        const byCf = await store.search(collection, { using: 'cf', vector: [1, 0], limit: 10 });
        assert.deepEqual(ids(byCf), ['old']);
        const byContent = await store.search(collection, {
          using: 'content',
          vector: [1, 0, 0],
          limit: 10,
        });
        assert.deepEqual(ids(byContent), ['new', 'old']);
      });

      test('updateVectors sets one vector and keeps the payload and the other vectors', async (store) => {
        const collection = unique('conf');
        await store.ensureCollection(twoVectors(collection));
        await store.upsert(collection, [
          { id: 'a', vectors: { content: [0, 1, 0] }, payload: { title: 'A', tags: ['x'] } },
          { id: 'b', vectors: { content: [1, 0, 0], cf: [0, 1] }, payload: { title: 'B' } },
        ]);
        await store.updateVectors(collection, [
          { id: 'a', vectors: { cf: [2, 0] } },
          { id: 'b', vectors: { cf: [0, 3] } },
          { id: 'never-stored', vectors: { cf: [1, 1] } },
        ]);
        const points = await store.retrieve(collection, ['a', 'b', 'never-stored'], {
          withVectors: true,
        });
        assert.deepEqual(ids(points), ['a', 'b'], 'a missing id is skipped, not created');
        const a = points.find((p) => p.id === 'a');
        assert.deepEqual(a?.payload, { title: 'A', tags: ['x'] });
        assertClose(a?.vectors?.content ?? [], [0, 1, 0], 'content kept');
        assertClose(a?.vectors?.cf ?? [], [2, 0], 'cf set');
        assertClose(points.find((p) => p.id === 'b')?.vectors?.cf ?? [], [0, 3], 'cf replaced');
        const top = await store.search(collection, { using: 'cf', vector: [1, 0], limit: 1 });
        assert.equal(top[0]?.id, 'a');
      });

      test('updateVectors refuses a vector of the wrong size or name and changes nothing', async (store) => {
        const collection = unique('conf');
        await store.ensureCollection(twoVectors(collection));
        await store.upsert(collection, [{ id: 'a', vectors: { content: [0, 1, 0] }, payload: {} }]);
        const named = (vector: string) => (err: unknown) =>
          err instanceof Error && err.message.includes(collection) && err.message.includes(vector);
        await assert.rejects(
          store.updateVectors(collection, [{ id: 'a', vectors: { cf: [1, 2, 3] } }]),
          named('cf'),
        );
        await assert.rejects(
          store.updateVectors(collection, [{ id: 'a', vectors: { nope: [1, 2] } }]),
          named('nope'),
        );
        const [a] = await store.retrieve(collection, ['a'], { withVectors: true });
        assert.deepEqual(Object.keys(a?.vectors ?? {}), ['content']);
      });
    });

    describe('when searching', () => {
      test('ranks by cosine in a cosine collection', async (store) => {
        const collection = unique('conf');
        await store.ensureCollection(cosineSpec(collection));
        await store.upsert(collection, [
          point('same', [2, 0, 0]),
          point('near', [1, 0.2, 0]),
          point('big', [3, 3, 0]),
          point('far', [0, 0, 1]),
          point('opposite', [-1, 0, 0]),
        ]);
        const result = await store.search(collection, { using: 'v', vector: [1, 0, 0], limit: 10 });
        assert.deepEqual(
          result.map((p) => p.id),
          ['same', 'near', 'big', 'far', 'opposite'],
        );
        const expected = [1, 1 / Math.hypot(1, 0.2), Math.SQRT1_2, 0, -1];
        assertClose(
          result.map((p) => p.score),
          expected,
          'cosine scores',
        );
        assert.equal(result[0]?.vectors, undefined, 'no vectors unless asked');
      });

      test('ranks by dot product in a dot collection and keeps magnitudes', async (store) => {
        const collection = unique('conf');
        await store.ensureCollection(dotSpec(collection));
        await store.upsert(collection, [
          point('unit', [1, 0, 0]),
          point('big', [3, 4, 0]),
          point('small', [0.5, 0, 0]),
          point('negative', [-2, 0, 1]),
        ]);
        const result = await store.search(collection, {
          using: 'v',
          vector: [1, 0.5, 0],
          limit: 10,
          withVectors: true,
        });
        assert.deepEqual(
          result.map((p) => p.id),
          ['big', 'unit', 'small', 'negative'],
        );
        assertClose(
          result.map((p) => p.score),
          [5, 1, 0.5, -2],
          'dot scores',
        );
        assertClose(result[0]?.vectors?.v ?? [], [3, 4, 0], 'magnitude kept');
        const [stored] = await store.retrieve(collection, ['big'], { withVectors: true });
        assertClose(stored?.vectors?.v ?? [], [3, 4, 0], 'magnitude kept on retrieve');
      });

      test('searches the named vector asked for', async (store) => {
        const collection = unique('conf');
        await store.ensureCollection({
          name: collection,
          vectors: { a: { size: 2, distance: 'dot' }, b: { size: 2, distance: 'dot' } },
        });
        await store.upsert(collection, [
          { id: 'x', vectors: { a: [1, 0], b: [0, 1] }, payload: {} },
          { id: 'y', vectors: { a: [0, 1], b: [1, 0] }, payload: {} },
        ]);
        const byA = await store.search(collection, { using: 'a', vector: [1, 0], limit: 1 });
        const byB = await store.search(collection, { using: 'b', vector: [1, 0], limit: 1 });
        assert.deepEqual(
          byA.map((p) => p.id),
          ['x'],
        );
        assert.deepEqual(
          byB.map((p) => p.id),
          ['y'],
        );
      });

      test('returns at most limit points, the best ones', async (store) => {
        const collection = await fixture(store);
        const top = await store.search(collection, { using: 'v', vector: [1, 0, 0], limit: 2 });
        assert.deepEqual(
          top.map((p) => p.id),
          ['p1', 'p2'],
        );
        const all = await store.search(collection, { using: 'v', vector: [1, 0, 0], limit: 50 });
        assert.equal(all.length, FIXTURE.length);
        for (let i = 1; i < all.length; i += 1) {
          assert.ok(all[i - 1]!.score >= all[i]!.score, 'nearest first');
        }
      });

      test('applies the filter before ranking', async (store) => {
        const collection = await fixture(store);
        const result = await store.search(collection, {
          using: 'v',
          vector: [1, 0.5, 0],
          limit: 2,
          filter: { must: [{ key: 'category', match: { value: 'hats' } }] },
        });
        assert.deepEqual(
          result.map((p) => p.id),
          ['p3', 'p4'],
          'both hats, nearest first, though other points score higher',
        );
        const empty = await store.search(collection, {
          using: 'v',
          vector: [1, 0, 0],
          limit: 5,
          filter: { must: [{ key: 'category', match: { value: 'none' } }] },
        });
        assert.deepEqual(empty, []);
      });
    });

    describe('when asking for part of each point', () => {
      test('returns only the selected payload keys, or none, on retrieve, search and scroll', async (store) => {
        const collection = await fixture(store);
        const [some] = await store.retrieve(collection, ['p1'], {
          withPayload: ['category', 'price', 'missing'],
        });
        assert.deepEqual(some, { id: 'p1', payload: { category: 'shoes', price: 10 } });
        const [none] = await store.retrieve(collection, ['p1'], { withPayload: false });
        assert.deepEqual(none, { id: 'p1', payload: {} });
        const [hit] = await store.search(collection, {
          using: 'v',
          vector: [1, 0, 0],
          limit: 1,
          withPayload: ['tags'],
        });
        assert.deepEqual(
          { id: hit?.id, payload: hit?.payload },
          {
            id: 'p1',
            payload: { tags: ['red', 'sale'] },
          },
        );
        const page = await store.scroll(collection, { limit: 2, withPayload: false });
        assert.deepEqual(
          page.points.map((p) => p.payload),
          [{}, {}],
        );
        const bare = await store.search(collection, {
          using: 'v',
          vector: [1, 0, 0],
          limit: 2,
          withPayload: false,
        });
        assert.deepEqual(
          bare.map((p) => ({ id: p.id, payload: p.payload })),
          [
            { id: 'p1', payload: {} },
            { id: 'p2', payload: {} },
          ],
          'hits without payload still name their points',
        );
      });
    });

    describe("when telling a point's versions apart", () => {
      const versionOf = async (store: VectorStore, collection: string, id: string) => {
        const [hit] = await store.search(collection, {
          using: 'v',
          vector: [1, 1, 1],
          limit: 1,
          withPayload: false,
          filter: { must: [{ has_id: [id] }] },
        });
        assert.ok(hit !== undefined, `${id} is found`);
        assert.equal(typeof hit.version, 'number');
        return hit.version;
      };

      test('moves the version on every write of the point and keeps it on reads', async (store) => {
        const collection = await fixture(store);
        const first = await versionOf(store, collection, 'p1');
        await store.retrieve(collection, ['p1'], { withVectors: true });
        await store.scroll(collection, { limit: 10 });
        const [batched] = await store.readMany(collection, [
          {
            kind: 'search',
            request: { using: 'v', vector: [1, 0, 0], limit: 1, withPayload: ['category'] },
          },
        ]);
        assert.equal((batched?.points[0] as { version?: number } | undefined)?.version, first);
        assert.equal(await versionOf(store, collection, 'p1'), first, 'reads keep it');

        await store.upsert(collection, [FIXTURE[1]!]);
        assert.equal(await versionOf(store, collection, 'p1'), first, "another point's write");

        const seen = new Set([first]);
        const moved = async (what: string) => {
          const version = await versionOf(store, collection, 'p1');
          assert.ok(!seen.has(version), `${what} gives a version not seen before`);
          seen.add(version);
        };
        // The same point written again as it was: a version says "written", not "different".
        await store.upsert(collection, [FIXTURE[0]!]);
        await moved('an upsert of the same point');
        await store.updateVectors(collection, [{ id: 'p1', vectors: { v: [1, 0.1, 0] } }]);
        await moved('updateVectors');
        await store.delete(collection, { ids: ['p1'] });
        await store.upsert(collection, [FIXTURE[0]!]);
        await moved('a delete and an upsert');
      });
    });

    describe('when searching by a stored point', () => {
      test('searches by its vector without it, as a search by that vector would', async (store) => {
        const collection = await fixture(store);
        const byPoint = await store.search(collection, {
          using: 'v',
          nearPoint: { id: 'p1' },
          limit: 3,
          filter: { must: [{ key: 'inStock', match: { value: true } }] },
        });
        const byVector = await store.search(collection, {
          using: 'v',
          vector: [1, 0, 0],
          limit: 4,
          filter: { must: [{ key: 'inStock', match: { value: true } }] },
        });
        assert.deepEqual(
          byPoint.map((p) => p.id),
          byVector.map((p) => p.id).filter((id) => id !== 'p1'),
          'the point itself is left out',
        );
        assertClose(
          byPoint.map((p) => p.score),
          byVector.filter((p) => p.id !== 'p1').map((p) => p.score),
          'same scores',
        );
      });

      test('looks the vector up in another collection and vector when told to', async (store) => {
        const items = await fixture(store);
        const users = unique('conf');
        await store.ensureCollection({
          name: users,
          vectors: { taste: { size: 3, distance: 'cosine' } },
        });
        await store.upsert(users, [{ id: 'u1', vectors: { taste: [0, 1, 0] }, payload: {} }]);
        const result = await store.search(items, {
          using: 'v',
          nearPoint: { id: 'u1', collection: users, using: 'taste' },
          limit: 2,
        });
        assert.deepEqual(
          result.map((p) => p.id),
          ['p3', 'p4'],
        );
        const nobody = await store.search(items, {
          using: 'v',
          nearPoint: { id: 'nobody', collection: users, using: 'taste' },
          limit: 2,
        });
        assert.deepEqual(nobody, [], 'a point that is not there finds nothing');
      });
    });

    describe('when reading many at once', () => {
      test('answers each read as it would alone, in the order asked', async (store) => {
        const collection = await fixture(store);
        const filter: Filter = { must: [{ key: 'inStock', match: { value: true } }] };
        const near: SearchRequest = { using: 'v', vector: [1, 0.2, 0], limit: 3, filter };
        const byPoint: SearchRequest = { using: 'v', nearPoint: { id: 'p3' }, limit: 2 };
        const answers = await store.readMany(collection, [
          { kind: 'retrieve', ids: ['p5', 'p2', 'nobody'], options: { withPayload: ['price'] } },
          { kind: 'search', request: near },
          { kind: 'retrieve', ids: [] },
          { kind: 'search', request: { ...byPoint, withVectors: true, withPayload: false } },
        ]);
        assert.deepEqual(
          answers.map((a) => a.kind),
          ['retrieve', 'search', 'retrieve', 'search'],
        );
        const [some, searched, none, nearP3] = answers;
        assert.deepEqual(
          [...(some?.points ?? [])].sort((a, b) => a.id.localeCompare(b.id)),
          [
            { id: 'p2', payload: { price: 25.5 } },
            { id: 'p5', payload: { price: 50 } },
          ],
        );
        const alone = await store.search(collection, near);
        assert.deepEqual(
          searched?.points.map((p) => p.id),
          alone.map((p) => p.id),
        );
        assert.deepEqual(
          searched?.points.map((p) => p.payload),
          alone.map((p) => p.payload),
        );
        assertClose(
          (searched?.points ?? []).map((p) => (p as { score: number }).score),
          alone.map((p) => p.score),
          'same scores',
        );
        assert.deepEqual(none?.points, []);
        assert.deepEqual(
          nearP3?.points.map((p) => p.id),
          ['p4', 'p6'],
        );
        assert.deepEqual(nearP3?.points[0]?.payload, {});
        assert.ok(nearP3?.points[0]?.vectors?.v instanceof Float32Array, 'vectors when asked');
      });

      test('finds nothing near a missing point without failing the other reads', async (store) => {
        const collection = await fixture(store);
        const [missing, found] = await store.readMany(collection, [
          { kind: 'search', request: { using: 'v', nearPoint: { id: 'nobody' }, limit: 2 } },
          { kind: 'retrieve', ids: ['p1'] },
        ]);
        assert.deepEqual(missing, { kind: 'search', points: [] });
        assert.deepEqual(
          found?.points.map((p) => p.id),
          ['p1'],
        );
      });
    });

    describe('when filtering', () => {
      test('matches a string, an integer and a bool value', async (store) => {
        const c = await fixture(store);
        assert.deepEqual(
          await matching(store, c, { must: [{ key: 'category', match: { value: 'shoes' } }] }),
          ['p1', 'p2'],
        );
        assert.deepEqual(
          await matching(store, c, { must: [{ key: 'stock', match: { value: 7 } }] }),
          ['p5'],
        );
        assert.deepEqual(
          await matching(store, c, { must: [{ key: 'inStock', match: { value: false } }] }),
          ['p2', 'p5', 'p8'],
        );
        assert.deepEqual(
          await matching(store, c, { must: [{ key: 'category', match: { value: 'Shoes' } }] }),
          [],
          'keyword match is exact',
        );
      });

      test('matches any of several values', async (store) => {
        const c = await fixture(store);
        assert.deepEqual(
          await matching(store, c, {
            must: [{ key: 'category', match: { any: ['hats', 'socks'] } }],
          }),
          ['p3', 'p4', 'p7', 'p8'],
        );
        assert.deepEqual(
          await matching(store, c, { must: [{ key: 'stock', match: { any: [0, 1] } }] }),
          ['p2', 'p4'],
        );
      });

      test('matches ranges with gt, gte, lt and lte', async (store) => {
        const c = await fixture(store);
        assert.deepEqual(
          await matching(store, c, { must: [{ key: 'price', range: { gt: 25.5 } }] }),
          ['p4', 'p5', 'p6'],
        );
        assert.deepEqual(
          await matching(store, c, { must: [{ key: 'price', range: { gte: 25.5 } }] }),
          ['p2', 'p4', 'p5', 'p6'],
        );
        assert.deepEqual(
          await matching(store, c, { must: [{ key: 'price', range: { lt: 10 } }] }),
          ['p3', 'p7'],
        );
        assert.deepEqual(
          await matching(store, c, { must: [{ key: 'price', range: { gte: 5, lte: 50 } }] }),
          ['p1', 'p2', 'p3', 'p5', 'p6'],
        );
        assert.deepEqual(
          await matching(store, c, { must: [{ key: 'sizes', range: { gt: 41 } }] }),
          ['p2'],
          'a range holds when any array element is in it',
        );
      });

      test('matches has_id', async (store) => {
        const c = await fixture(store);
        assert.deepEqual(await matching(store, c, { must: [{ has_id: ['p2', 'p7', 'nope'] }] }), [
          'p2',
          'p7',
        ]);
        assert.deepEqual(await matching(store, c, { must_not: [{ has_id: ['p1', 'p2', 'p3'] }] }), [
          'p4',
          'p5',
          'p6',
          'p7',
          'p8',
        ]);
      });

      test('matches an array field when any element matches', async (store) => {
        const c = await fixture(store);
        assert.deepEqual(
          await matching(store, c, { must: [{ key: 'tags', match: { value: 'sale' } }] }),
          ['p1', 'p5', 'p7'],
        );
        assert.deepEqual(
          await matching(store, c, { must: [{ key: 'tags', match: { any: ['blue', 'green'] } }] }),
          ['p2', 'p7', 'p8'],
        );
        assert.deepEqual(
          await matching(store, c, { must: [{ key: 'sizes', match: { value: 40 } }] }),
          ['p1'],
        );
      });

      test('follows a dotted key into nested objects', async (store) => {
        const c = await fixture(store);
        assert.deepEqual(
          await matching(store, c, { must: [{ key: 'brand.country', match: { value: 'de' } }] }),
          ['p1', 'p3'],
        );
        assert.deepEqual(
          await matching(store, c, {
            must: [{ key: 'brand.name', match: { any: ['zenith', 'orbit'] } }],
          }),
          ['p2', 'p4', 'p5'],
        );
        assert.deepEqual(
          await matching(store, c, { must: [{ key: 'brand.missing', match: { value: 'x' } }] }),
          [],
        );
      });

      test('combines must, should and must_not', async (store) => {
        const c = await fixture(store);
        assert.deepEqual(
          await matching(store, c, {
            must: [{ key: 'inStock', match: { value: true } }],
            should: [
              { key: 'category', match: { value: 'hats' } },
              { key: 'tags', match: { value: 'sale' } },
            ],
            must_not: [{ key: 'brand.name', match: { value: 'orbit' } }],
          }),
          ['p1', 'p3', 'p7'],
        );
        assert.deepEqual(
          await matching(store, c, {
            should: [
              { key: 'category', match: { value: 'bags' } },
              { key: 'price', range: { lt: 3 } },
            ],
          }),
          ['p5', 'p6', 'p7'],
        );
        assert.deepEqual(
          await matching(store, c, {
            must: [
              { key: 'category', match: { value: 'shoes' } },
              { key: 'inStock', match: { value: true } },
            ],
          }),
          ['p1'],
        );
      });

      test('treats a missing field as not matching, so must_not keeps the point', async (store) => {
        const c = await fixture(store);
        assert.deepEqual(
          await matching(store, c, { must_not: [{ key: 'tags', match: { value: 'red' } }] }),
          ['p2', 'p4', 'p5', 'p6', 'p7', 'p8'],
        );
        assert.deepEqual(
          await matching(store, c, { must: [{ key: 'price', range: { gte: 0 } }] }),
          ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'],
        );
      });

      test('evaluates nested filters', async (store) => {
        const c = await fixture(store);
        assert.deepEqual(
          await matching(store, c, {
            must: [
              {
                should: [
                  { key: 'category', match: { value: 'shoes' } },
                  { key: 'category', match: { value: 'socks' } },
                ],
              },
              { must_not: [{ key: 'inStock', match: { value: false } }] },
            ],
          }),
          ['p1', 'p7'],
        );
        assert.deepEqual(
          await matching(store, c, {
            must_not: [
              {
                must: [
                  { key: 'brand.name', match: { value: 'acme' } },
                  { key: 'price', range: { lte: 5 } },
                ],
              },
            ],
            should: [{ key: 'brand.name', match: { value: 'acme' } }],
          }),
          ['p1'],
        );
        assert.equal(
          (await matching(store, c, {})).length,
          FIXTURE.length,
          'an empty filter matches everything',
        );
      });
    });

    describe('when scrolling', () => {
      test('covers every point exactly once across pages', async (store) => {
        const collection = unique('conf');
        await store.ensureCollection(dotSpec(collection, 2));
        const all = Array.from({ length: 23 }, (_, i) =>
          point(`id-${i}`, [i, 1], { even: i % 2 === 0 }),
        );
        await store.upsert(collection, all);

        const pages = async (filter?: Filter) => {
          const seen: StoredPoint[] = [];
          let cursor: string | undefined;
          for (let pageCount = 0; pageCount < 20; pageCount += 1) {
            const page = await store.scroll(collection, {
              limit: 5,
              ...(filter === undefined ? {} : { filter }),
              ...(cursor === undefined ? {} : { cursor }),
            });
            assert.ok(page.points.length <= 5, 'a page holds at most limit points');
            seen.push(...page.points);
            if (page.nextCursor === null) return seen;
            cursor = page.nextCursor;
          }
          assert.fail('scroll did not end');
        };

        const everything = await pages();
        assert.equal(everything.length, 23);
        assert.deepEqual(ids(everything), ids(all));
        assert.deepEqual(
          (await pages()).map((p) => p.id),
          everything.map((p) => p.id),
          'the order is stable',
        );
        const even = await pages({ must: [{ key: 'even', match: { value: true } }] });
        assert.deepEqual(ids(even), ids(all.filter((_, i) => i % 2 === 0)));

        const withVectors = await store.scroll(collection, { limit: 1, withVectors: true });
        assert.ok(withVectors.points[0]?.vectors?.v instanceof Float32Array);
        const without = await store.scroll(collection, { limit: 1 });
        assert.equal(without.points[0]?.vectors, undefined);
      });
    });

    describe('when counting and deleting', () => {
      test('counts with and without a filter', async (store) => {
        const c = await fixture(store);
        assert.equal(await store.count(c), FIXTURE.length);
        assert.equal(
          await store.count(c, { must: [{ key: 'category', match: { value: 'bags' } }] }),
          2,
        );
        const empty = unique('conf');
        await store.ensureCollection(cosineSpec(empty));
        assert.equal(await store.count(empty), 0);
      });

      test('deletes by ids and by filter', async (store) => {
        const c = await fixture(store);
        await store.delete(c, { ids: ['p1', 'p2', 'not-there'] });
        assert.deepEqual(ids(await store.retrieve(c, ['p1', 'p2', 'p3'])), ['p3']);
        assert.equal(await store.count(c), FIXTURE.length - 2);

        await store.delete(c, {
          filter: { must: [{ key: 'category', match: { value: 'socks' } }] },
        });
        assert.equal(await store.count(c), FIXTURE.length - 4);
        assert.deepEqual(await matching(store, c, {}), ['p3', 'p4', 'p5', 'p6']);
        const result = await store.search(c, { using: 'v', vector: [1, 0, 0], limit: 10 });
        assert.deepEqual(ids(result), ['p3', 'p4', 'p5', 'p6'], 'deleted points are not found');

        await store.upsert(c, [FIXTURE[0]!]);
        assert.deepEqual(
          ids(await store.retrieve(c, ['p1'])),
          ['p1'],
          'a deleted id can come back',
        );
      });
    });

    describe('when input is wrong', () => {
      test('rejects vectors of the wrong size, naming the collection and the vector', async (store) => {
        const collection = unique('conf');
        await store.ensureCollection({
          name: collection,
          vectors: { content: { size: 3, distance: 'cosine' } },
        });
        const named = (err: unknown) => {
          const message = err instanceof Error ? err.message : String(err);
          return message.includes(collection) && message.includes('content');
        };
        await assert.rejects(
          store.upsert(collection, [{ id: 'a', vectors: { content: [1, 2] }, payload: {} }]),
          named,
        );
        await assert.rejects(
          store.search(collection, { using: 'content', vector: [1, 2, 3, 4], limit: 1 }),
          named,
        );
        assert.equal(await store.count(collection), 0, 'nothing of a refused batch is stored');
      });

      test('refuses a filter outside the subset, naming the part, on search and count', async (store) => {
        const collection = unique('conf');
        await store.ensureCollection({
          name: collection,
          vectors: { content: { size: 3, distance: 'cosine' } },
        });
        await store.upsert(collection, [
          { id: 'a', vectors: { content: [1, 0, 0] }, payload: { price: 1 } },
        ]);
        const cases: [unknown, RegExp][] = [
          [
            { must: [{ key: 'price', match: { value: Number.NaN } }] },
            /filter\.must\[0\]\.match\.value must be a string, a finite number or a boolean/,
          ],
          [{ must: [{ has_id: [1] }] }, /filter\.must\[0\]\.has_id must be an array of string ids/],
          [
            { should: [{ key: 'price', range: { near: 1 } }] },
            /filter\.should\[0\]\.range\.near is not one of gt, gte, lt, lte/,
          ],
        ];
        for (const [filter, message] of cases) {
          const refused = (err: unknown) =>
            err instanceof FilterError && !err.retriable && message.test(err.message);
          await assert.rejects(
            store.search(collection, {
              using: 'content',
              vector: [1, 0, 0],
              limit: 1,
              filter: filter as Filter,
            }),
            refused,
            JSON.stringify(filter),
          );
          await assert.rejects(store.count(collection, filter as Filter), refused);
        }
      });

      test('rejects operations on a collection that does not exist', async (store) => {
        const collection = unique('conf_missing');
        await assert.rejects(store.search(collection, { using: 'v', vector: [1, 0, 0], limit: 1 }));
        await assert.rejects(store.upsert(collection, [point('a', [1, 0, 0])]));
        await assert.rejects(store.count(collection));
      });
    });

    describe('when the store is closed and reopened', () => {
      test('keeps points, vectors and payloads, and applies later writes', async (store, under, t) => {
        if (under.reopen === undefined) {
          t.skip('the adapter gives no reopen');
          return;
        }
        const cosine = await fixture(store);
        const dot = unique('conf');
        await store.ensureCollection(dotSpec(dot));
        await store.upsert(dot, [point('m', [3, 4, 0], { n: 1 }), point('gone', [1, 1, 1])]);
        await store.delete(dot, { ids: ['gone'] });
        await store.updateVectors(dot, [{ id: 'm', vectors: { v: [0, 5, 0] } }]);
        await store.delete(cosine, {
          filter: { must: [{ key: 'category', match: { value: 'socks' } }] },
        });
        await store.close();

        const reopened = await under.reopen();
        try {
          assert.equal(await reopened.count(cosine), FIXTURE.length - 2);
          const [m] = await reopened.retrieve(dot, ['m'], { withVectors: true });
          assert.deepEqual(m?.payload, { n: 1 });
          assertClose(m?.vectors?.v ?? [], [0, 5, 0], 'updated dot vector after reopening');
          assert.deepEqual(await reopened.retrieve(dot, ['gone']), []);
          const top = await reopened.search(cosine, { using: 'v', vector: [1, 0, 0], limit: 2 });
          assert.deepEqual(
            top.map((p) => p.id),
            ['p1', 'p2'],
          );
          const [p1] = await reopened.retrieve(cosine, ['p1']);
          assert.deepEqual(p1?.payload, FIXTURE[0]?.payload);

          await reopened.ensureCollection(dotSpec(dot));
          await reopened.upsert(dot, [point('later', [0, 0, 2], { n: 2 })]);
        } finally {
          await reopened.close();
        }
        const third = await under.reopen();
        try {
          assert.deepEqual(ids(await third.retrieve(dot, ['m', 'later'])), ['later', 'm']);
          assert.equal(await third.count(cosine), FIXTURE.length - 2);
        } finally {
          await third.close();
        }
      });
    });
  });
}
