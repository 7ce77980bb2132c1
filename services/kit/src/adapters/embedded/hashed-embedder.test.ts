import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { describeEmbedderConformance } from '../../testing/embedder-conformance.js';
import { cosine, norm } from '../../vectors.js';
import { createHashedEmbedder, tokenize } from './hashed-embedder.js';

describeEmbedderConformance(
  'hashed',
  () => Promise.resolve(createHashedEmbedder({ dimension: 256 })),
  {
    dimension: 256,
  },
);

describe('createHashedEmbedder', () => {
  const embedder = createHashedEmbedder({ dimension: 256 });

  describe('when embedding', () => {
    it('names the model with its dimension', () => {
      assert.equal(embedder.model, 'hashed-v1-256');
      assert.equal(embedder.dimension, 256);
    });

    it('gives the same text the identical vector, in another embedder too', async () => {
      const [a, b] = await embedder.embed(['Red trail running shoe', 'Red trail running shoe']);
      const [c] = await createHashedEmbedder({ dimension: 256 }).embed(['Red trail running shoe']);
      assert.deepEqual([...a!], [...b!]);
      assert.deepEqual([...a!], [...c!]);
    });

    it('returns unit vectors of the dimension, one per text in order, even for empty text', async () => {
      const texts = ['one', '', '!!!', 'a much longer text about many different things'];
      const vectors = await embedder.embed(texts);
      assert.equal(vectors.length, texts.length);
      for (const v of vectors) {
        assert.ok(v instanceof Float32Array);
        assert.equal(v.length, 256);
        assert.ok(Math.abs(norm(v) - 1) < 1e-5);
      }
      assert.notDeepEqual([...vectors[0]!], [...vectors[3]!]);
    });

    it('puts texts that share words closer than unrelated texts', async () => {
      const [shoe, otherShoe, tea] = await embedder.embed([
        'red leather running shoes for trail runners',
        'lightweight trail running shoes in red',
        'organic green tea from japanese mountain farms',
      ]);
      assert.ok(cosine(shoe!, otherShoe!) > cosine(shoe!, tea!) + 0.2);
    });

    it('lets inflected forms meet through character trigrams', async () => {
      const [shoes, shoe, kettle] = await embedder.embed(['shoes', 'shoe', 'kettle']);
      assert.ok(cosine(shoes!, shoe!) > cosine(shoes!, kettle!));
      assert.ok(cosine(shoes!, shoe!) > 0.1);
    });

    it('ignores case and punctuation', async () => {
      const [a, b] = await embedder.embed(['Hello, World!', 'hello world']);
      assert.deepEqual([...a!], [...b!]);
    });
  });

  describe('when the dimension is out of range', () => {
    it('throws naming the dimension', () => {
      assert.throws(
        () => createHashedEmbedder({ dimension: 4 }),
        /dimension must be .* from 8 to 4096, got 4/,
      );
      assert.throws(() => createHashedEmbedder({ dimension: 10.5 }), /dimension/);
    });
  });
});

describe('tokenize', () => {
  it('splits on anything but Unicode letters and digits, lowercased', () => {
    assert.deepEqual(tokenize('Crème brûlée: 2 × ÜBER-cool!'), [
      'crème',
      'brûlée',
      '2',
      'über',
      'cool',
    ]);
    assert.deepEqual(tokenize('東京 タワー'), ['東京', 'タワー']);
    assert.deepEqual(tokenize(''), []);
  });
});
