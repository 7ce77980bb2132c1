import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';

import { silentLogger, SpanKind, SpanStatusCode, withSpan } from '@tailor/kit';
import { parentIdOf, type RecordedSpans, recordSpans } from '@tailor/kit/testing';

import { itemFactsFromPayload } from '../domain/facts.js';
import { descriptionPrompt } from '../domain/prompt.js';
import { type FakeChatServer, startFakeChatServer } from '../testing/fake-chat-server.js';
import { HIKER, SHOES } from '../testing/fixtures.js';
import { GenerationFailure } from './generation-failure.js';
import { OpenAiWriter } from './openai-writer.js';

const MODEL = 'local-test-model';

describe('OpenAiWriter tracing', () => {
  let server: FakeChatServer;
  let recorded: RecordedSpans;
  const prompt = descriptionPrompt(itemFactsFromPayload(SHOES), HIKER);

  function writer(): OpenAiWriter {
    return new OpenAiWriter({
      baseUrl: server.baseUrl,
      model: MODEL,
      timeoutMs: 5_000,
      maxRetries: 0,
      retryInitialDelayMs: 1,
      concurrency: 2,
      structuredOutput: 'json_schema',
      maxOutputTokens: 300,
      logger: silentLogger(),
      circuitFailureThreshold: 0,
    });
  }

  before(async () => {
    server = await startFakeChatServer();
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.mode = 'normal';
    server.requests.length = 0;
    recorded = recordSpans('generation-test');
  });
  afterEach(async () => {
    await recorded.stop();
  });

  describe('when the model answers', () => {
    it('is a GenAI client span under the caller’s, with the model, sampling and token counts', async () => {
      const parent = await withSpan('write copy', {}, async (span) => {
        await writer().complete(prompt, [], Date.now() + 10_000);
        return span?.spanContext();
      });
      assert.ok(parent !== undefined);
      const spans = await recorded.spansWhen(
        (ended) => ended.some((s) => s.name === `chat ${MODEL}`),
        'the chat span',
      );
      const chat = spans.find((s) => s.name === `chat ${MODEL}`);
      assert.ok(chat !== undefined);
      assert.equal(chat.kind, SpanKind.CLIENT);
      assert.equal(chat.instrumentationScope.name, '@tailor/generation');
      assert.equal(chat.spanContext().traceId, parent.traceId);
      assert.equal(parentIdOf(chat), parent.spanId);
      assert.equal(chat.attributes['gen_ai.operation.name'], 'chat');
      assert.equal(chat.attributes['gen_ai.request.model'], MODEL);
      assert.equal(chat.attributes['gen_ai.request.max_tokens'], 300);
      assert.equal(chat.attributes['gen_ai.output.type'], 'json');
      assert.equal(chat.attributes['gen_ai.response.model'], MODEL);
      assert.deepEqual(chat.attributes['gen_ai.response.finish_reasons'], ['stop']);
      assert.equal(chat.attributes['server.address'], '127.0.0.1');
      assert.equal(chat.attributes['tailor.copy.kind'], 'description');
      const sent = server.requests[0]?.body.messages?.map((m) => m.content).join(' ') ?? '';
      // The test server counts words as tokens.
      assert.equal(
        chat.attributes['gen_ai.usage.input_tokens'],
        sent.split(/\s+/).filter((w) => w !== '').length,
      );
      assert.ok(Number(chat.attributes['gen_ai.usage.output_tokens']) > 0);
      // The prompt and answer hold the shopper's interests: never on a span.
      const recordedText = JSON.stringify(chat.attributes);
      assert.ok(!recordedText.includes('hiking'), recordedText);
    });

    it('sends the chat span’s traceparent to the model server', async () => {
      await withSpan('write copy', {}, () => writer().complete(prompt, [], Date.now() + 10_000));
      const spans = await recorded.spansWhen(
        (ended) => ended.some((s) => s.name === `chat ${MODEL}`),
        'the chat span',
      );
      const chat = spans.find((s) => s.name === `chat ${MODEL}`);
      assert.ok(chat !== undefined);
      const { traceId, spanId } = chat.spanContext();
      assert.equal(server.requests[0]?.traceparent, `00-${traceId}-${spanId}-01`);
    });
  });

  describe('when the model server fails', () => {
    it('marks the span failed with the error type', async () => {
      server.mode = 'error';
      await assert.rejects(
        withSpan('write copy', {}, () => writer().complete(prompt, [], Date.now() + 10_000)),
        GenerationFailure,
      );
      const spans = await recorded.spansWhen(
        (ended) => ended.some((s) => s.name === `chat ${MODEL}`),
        'the chat span',
      );
      const chat = spans.find((s) => s.name === `chat ${MODEL}`);
      assert.ok(chat !== undefined);
      assert.equal(chat.status.code, SpanStatusCode.ERROR);
      assert.equal(typeof chat.attributes['error.type'], 'string');
    });
  });
});
