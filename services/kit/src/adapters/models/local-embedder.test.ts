import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

import { silentLogger } from '../../logger.js';
import { describeEmbedderConformance, minilmForTests } from '../../testing/index.js';
import { createLocalEmbedder, MINILM_DIMENSION, ModelFilesMissingError } from './index.js';

const minilm = minilmForTests();
const modelDir = minilm.available ? minilm.address : '';
const BATCH = 4;

const open = () =>
  Promise.resolve(
    createLocalEmbedder({ modelDir, batchSize: BATCH, threads: 1, logger: silentLogger() }),
  );

describeEmbedderConformance('local (all-MiniLM-L6-v2 int8)', open, {
  ...(minilm.available ? {} : { skip: minilm.skip }),
  dimension: MINILM_DIMENSION,
  batchSize: BATCH,
});

describe('createLocalEmbedder', () => {
  const skip = minilm.available ? {} : { skip: minilm.skip };

  it('embeds in a worker thread: the event loop keeps turning meanwhile', skip, async () => {
    const embedder = await open();
    try {
      await embedder.embed(['load the model first']);
      let turns = 0;
      let embedding = true;
      const tick = () => {
        turns += 1;
        if (embedding) setImmediate(tick);
      };
      setImmediate(tick);
      const texts = Array.from({ length: 64 }, (_, i) => `a sentence about item ${i} and more`);
      const vectors = await embedder.embed(texts);
      embedding = false;
      assert.equal(vectors.length, 64);
      // Model work on this thread would run the 16 batches back to back with no turn between.
      assert.ok(turns > 16, `the event loop turned ${turns} times while 64 texts were embedded`);
    } finally {
      await embedder.close?.();
    }
  });

  it(
    'puts sentences with the same meaning and no shared word closer than unrelated ones',
    skip,
    async () => {
      const embedder = await open();
      try {
        const [film, movie, kettle] = await embedder.embed([
          'a scary film about ghosts',
          'horror movie with a haunted house',
          'stainless steel electric kettle',
        ]);
        const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
        assert.ok(dot(film!, movie!) > dot(film!, kettle!) + 0.2);
      } finally {
        await embedder.close?.();
      }
    },
  );

  it('refuses calls after close, and close twice is fine', skip, async () => {
    const embedder = await open();
    await embedder.embed(['start the worker']);
    await embedder.close?.();
    await embedder.close?.();
    await assert.rejects(embedder.embed(['late']), /closed/);
  });

  it('refuses a directory without the model, naming EMBEDDER_MODEL_DIR and the fetch script', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-minilm-'));
    try {
      assert.throws(
        () =>
          createLocalEmbedder({
            modelDir: empty,
            batchSize: 8,
            threads: 1,
            logger: silentLogger(),
          }),
        (err: unknown) =>
          err instanceof ModelFilesMissingError &&
          /^EMBEDDER_MODEL_DIR: .*model\.onnx, .*tokenizer\.json not found; run infra\/models\/fetch-minilm\.sh/.test(
            err.message,
          ),
      );
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('reports a broken model file on the call, not as a crash', async () => {
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-minilm-'));
    try {
      fs.writeFileSync(path.join(broken, 'model.onnx'), 'not a model');
      fs.writeFileSync(path.join(broken, 'tokenizer.json'), '{}');
      const embedder = createLocalEmbedder({
        modelDir: broken,
        batchSize: 8,
        threads: 1,
        logger: silentLogger(),
      });
      try {
        await assert.rejects(embedder.embed(['x']), /local embedder/);
      } finally {
        await embedder.close?.();
      }
    } finally {
      fs.rmSync(broken, { recursive: true, force: true });
    }
  });
});
