import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { silentLogger } from '../../logger.js';
import type { Embedder } from '../../ports/embedder.js';
import { SpanKind, withSpan } from '../../telemetry/spans.js';
import {
  describeEmbedderConformance,
  minilmForTests,
  type OpenAiEmbeddingsServer,
  parentIdOf,
  recordSpans,
  startOpenAiEmbeddingsServer,
} from '../../testing/index.js';
import { createHashedEmbedder } from '../embedded/index.js';
import { createLocalEmbedder, createOpenAiEmbedder, EmbeddingApiError } from './index.js';

/*
 * The openai adapter against a real OpenAI-compatible HTTP server on 127.0.0.1, with the local
 * MiniLM model behind it where the model is fetched (always in CI), else the hashed embedder:
 * either way real vectors travel over real HTTP, as from Ollama, vLLM or TEI.
 */
const minilm = minilmForTests();
const BATCH = 5;

function backend(): Embedder {
  return minilm.available
    ? createLocalEmbedder({
        modelDir: minilm.address,
        batchSize: 16,
        threads: 1,
        logger: silentLogger(),
      })
    : createHashedEmbedder({ dimension: 96 });
}

describe('createOpenAiEmbedder', () => {
  let model: Embedder;
  let server: OpenAiEmbeddingsServer;
  before(async () => {
    model = backend();
    server = await startOpenAiEmbeddingsServer(model, { model: 'served-model' });
  });
  after(async () => {
    await server.close();
    await model.close?.();
  });

  const open = (overrides: { apiKey?: string; timeoutMs?: number; model?: string } = {}) =>
    createOpenAiEmbedder({
      baseUrl: server.baseUrl,
      model: overrides.model ?? 'served-model',
      timeoutMs: overrides.timeoutMs ?? 10_000,
      batchSize: BATCH,
      ...(overrides.apiKey === undefined ? {} : { apiKey: overrides.apiKey }),
    });

  describeEmbedderConformance(
    `openai over HTTP (${minilm.available ? 'MiniLM' : 'hashed, MiniLM not fetched'} behind)`,
    () => open(),
    { batchSize: BATCH },
  );

  it('traces each call inside a trace as a GenAI embeddings span, sending its traceparent', async () => {
    const embedder = await open();
    const recorded = recordSpans('embedder-test');
    try {
      const before = server.requests.length;
      const parent = await withSpan('import items', {}, async (span) => {
        await embedder.embed(['one text', 'another']);
        return span?.spanContext();
      });
      assert.ok(parent !== undefined);
      const spans = await recorded.spansWhen(
        (ended) => ended.some((s) => s.name === 'embeddings served-model'),
        'the embeddings span',
      );
      const call = spans.find((s) => s.name === 'embeddings served-model');
      assert.ok(call !== undefined);
      assert.equal(call.kind, SpanKind.CLIENT);
      assert.equal(parentIdOf(call), parent.spanId);
      assert.equal(call.attributes['gen_ai.operation.name'], 'embeddings');
      assert.equal(call.attributes['gen_ai.request.model'], 'served-model');
      const { traceId, spanId } = call.spanContext();
      assert.equal(server.requests[before]?.traceparent, `00-${traceId}-${spanId}-01`);
    } finally {
      await recorded.stop();
    }
  });

  it('takes the dimension from the model and sends batches of EMBEDDER_BATCH_SIZE', async () => {
    const embedder = await open({ apiKey: 'secret-key' });
    assert.equal(embedder.dimension, model.dimension);
    assert.equal(embedder.model, 'openai:served-model');
    const before = server.requests.length;
    const texts = Array.from({ length: 12 }, (_, i) => `text ${i}`);
    const vectors = await embedder.embed(texts);
    const sent = server.requests.slice(before);
    assert.deepEqual(
      sent.map((r) => r.inputs),
      [5, 5, 2],
    );
    assert.ok(sent.every((r) => r.authorization === 'Bearer secret-key'));
    const direct = await model.embed(texts);
    for (const [i, v] of vectors.entries()) {
      assert.ok(
        v.every((x, j) => Math.abs(x - direct[i]![j]!) < 1e-5),
        `text ${i} as served`,
      );
    }
  });

  it('says which setting to check when the server refuses, and never the URL', async () => {
    const embedder = await open();
    server.failNext(1, { status: 401 });
    await assert.rejects(embedder.embed(['x']), (err: unknown) => {
      assert.ok(err instanceof EmbeddingApiError);
      assert.match(err.message, /HTTP 401 .*EMBEDDER_API_KEY/);
      assert.equal(err.retriable, false);
      assert.ok(!err.message.includes('127.0.0.1'), 'no internal address');
      return true;
    });
    server.failNext(1, { status: 503 });
    await assert.rejects(
      embedder.embed(['x']),
      (err: unknown) => err instanceof EmbeddingApiError && err.retriable,
    );
    assert.equal((await embedder.embed(['x'])).length, 1, 'answers again once the server does');
  });

  it('refuses answers without one finite embedding per input', async () => {
    const embedder = await open();
    for (const body of [
      { data: [] },
      { data: [{ index: 0, embedding: ['a'] }] },
      { nothing: true },
      { data: [{ index: 0, embedding: [1, 2] }] },
    ]) {
      server.failNext(1, { status: 200, body });
      await assert.rejects(embedder.embed(['x']), EmbeddingApiError, JSON.stringify(body));
    }
  });

  it('fails at start naming the model when the server does not know it', async () => {
    await assert.rejects(open({ model: 'unknown-model' }), /HTTP 404 for model unknown-model/);
  });

  it('fails at start naming EMBEDDER_BASE_URL when nothing answers there', async () => {
    const closed = await startOpenAiEmbeddingsServer(model, { model: 'served-model' });
    const baseUrl = closed.baseUrl;
    await closed.close();
    await assert.rejects(
      createOpenAiEmbedder({ baseUrl, model: 'served-model', timeoutMs: 5_000, batchSize: 4 }),
      (err: unknown) =>
        err instanceof EmbeddingApiError &&
        /unreachable \(EMBEDDER_BASE_URL\)/.test(err.message) &&
        !err.message.includes(baseUrl),
    );
  });
});
