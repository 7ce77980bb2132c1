import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Embedder } from '../ports/embedder.js';
import { dot, norm } from '../vectors.js';

/** Options of {@link describeEmbedderConformance}. */
export interface EmbedderConformanceOptions {
  /**
   * When set, every test is registered as skipped with this reason (no model, no server), so a
   * run without it says skipped, never passed.
   */
  skip?: string;
  /** The dimension the adapter must report, when the model fixes it (384 for MiniLM). */
  dimension?: number;
  /** Texts per batch the adapter was opened with: the suite embeds more than that at once. */
  batchSize?: number;
  /** Deadline of each test. */
  testTimeoutMs?: number;
}

/** Vectors from one batch and from another may differ by float rounding, never by more. */
const SAME_VECTOR_EPSILON = 1e-4;

function assertSameVector(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i += 1) {
    assert.ok(Math.abs(a[i]! - b[i]!) < SAME_VECTOR_EPSILON, `${what}: component ${i} differs`);
  }
}

/**
 * The behaviour every {@link Embedder} adapter promises, run against each one: unit vectors of
 * the announced dimension, one per text in order (across batches too), the same vector for the
 * same text whatever it was batched with, and texts about the same thing closer than unrelated
 * ones. The pairs share words, so a word-feature embedder passes as well as a sentence model.
 * `open` is called once; `close` releases what it opened.
 */
export function describeEmbedderConformance(
  name: string,
  open: () => Promise<Embedder>,
  options: EmbedderConformanceOptions = {},
): void {
  const testOptions = {
    ...(options.skip === undefined ? {} : { skip: options.skip }),
    timeout: options.testTimeoutMs ?? 60_000,
  };
  describe(`Embedder conformance: ${name}`, () => {
    let embedder: Embedder;
    before(async () => {
      if (options.skip === undefined) embedder = await open();
    });
    after(async () => {
      await embedder?.close?.();
    });

    it('names its model and a positive dimension', testOptions, () => {
      assert.ok(embedder.model.length > 0, 'a model name');
      assert.ok(Number.isInteger(embedder.dimension) && embedder.dimension > 0);
      if (options.dimension !== undefined) assert.equal(embedder.dimension, options.dimension);
    });

    it('returns no vectors for no texts', testOptions, async () => {
      assert.deepEqual(await embedder.embed([]), []);
    });

    it(
      'returns one unit vector of the dimension per text, even empty or odd text',
      testOptions,
      async () => {
        const texts = ['one', '', '!!! ???', 'Crème brûlée, 2 × über', 'word '.repeat(2_000)];
        const vectors = await embedder.embed(texts);
        assert.equal(vectors.length, texts.length);
        for (const [i, v] of vectors.entries()) {
          assert.ok(v instanceof Float32Array, `vector ${i} is a Float32Array`);
          assert.equal(v.length, embedder.dimension, `vector ${i} length`);
          assert.ok(v.every(Number.isFinite), `vector ${i} is finite`);
          assert.ok(Math.abs(norm(v) - 1) < 1e-3, `vector ${i} has unit length`);
        }
      },
    );

    it('keeps the order and the vectors across batches', testOptions, async () => {
      const count = (options.batchSize ?? 8) * 2 + 3;
      const texts = Array.from({ length: count }, (_, i) => `item number ${i} of the catalog`);
      const together = await embedder.embed(texts);
      assert.equal(together.length, count);
      for (const i of [0, 1, count - 2, count - 1]) {
        const [alone] = await embedder.embed([texts[i]!]);
        assertSameVector(together[i]!, alone!, `text ${i} alone vs in a batch`);
      }
    });

    it('gives the same text the same vector whatever it is batched with', testOptions, async () => {
      const [a, , b] = await embedder.embed([
        'Red trail running shoe',
        'a much longer text about many different things, to change the padding of the batch',
        'Red trail running shoe',
      ]);
      const [c] = await embedder.embed(['Red trail running shoe']);
      assertSameVector(a!, b!, 'twice in one batch');
      assertSameVector(a!, c!, 'in another batch');
    });

    it('puts texts about the same thing closer than unrelated texts', testOptions, async () => {
      const [shoe, otherShoe, tea, otherTea] = await embedder.embed([
        'red leather running shoes for trail runners',
        'lightweight trail running shoes in red',
        'organic green tea from japanese mountain farms',
        'green tea leaves grown on a japanese farm',
      ]);
      assert.ok(dot(shoe!, otherShoe!) > dot(shoe!, tea!) + 0.1, 'shoe near shoe, not tea');
      assert.ok(dot(tea!, otherTea!) > dot(tea!, otherShoe!) + 0.1, 'tea near tea, not shoe');
    });
  });
}
