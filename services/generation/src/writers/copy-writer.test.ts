import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import { silentLogger } from '@tailor/kit';
import { waitFor } from '@tailor/kit/testing';

import { chooseDescription } from '../domain/chooser.js';
import { TEMPLATE_PROVIDER } from '../domain/copy.js';
import { itemFactsFromPayload } from '../domain/facts.js';
import { checkDescription } from '../domain/grounding/check.js';
import type { InterestSummary } from '../domain/interests.js';
import { PROMPT_VERSION } from '../domain/prompt.js';
import type { GenerationMetrics } from '../metrics.js';
import { type FakeChatServer, startFakeChatServer } from '../testing/fake-chat-server.js';
import { CRAFTED, HIKER, SHOES } from '../testing/fixtures.js';
import { CopyWriter, TEMPLATE_CHOSEN_REASON, type WriteContext } from './copy-writer.js';
import type { FailureReason } from './generation-failure.js';
import { OpenAiWriter, type OpenAiWriterOptions, type TokenUsage } from './openai-writer.js';

const shoes = itemFactsFromPayload(SHOES);
/**
 * A user whose every interest the shoes carry: the test model's answer names them all, as the
 * template's does, so the model's answer is served (a tie goes to the model).
 */
const WALKER: InterestSummary = {
  categories: [{ name: 'outdoor', weight: 0.5 }],
  tags: [{ name: 'hiking', weight: 0.4 }],
  recentlyLiked: [],
};
const crafted = itemFactsFromPayload(CRAFTED);
/**
 * The writers' timeout where the test server answers: far beyond any answer, so a loaded
 * machine cannot turn an answer into a timeout.
 */
const TIMEOUT_MS = 20_000;
/** The timeout where the test server never answers: it ends the wait, so it is kept short. */
const NO_ANSWER_TIMEOUT_MS = 300;

/** Metrics that remember what they were told, so a test can read the fallback reasons back. */
function recordingMetrics(): GenerationMetrics & {
  fallbacks: FailureReason[];
  providers: string[];
  chosen: string[];
} {
  const fallbacks: FailureReason[] = [];
  const providers: string[] = [];
  const chosen: string[] = [];
  return {
    fallbacks,
    providers,
    chosen,
    cacheLookup: () => {},
    providerDuration: (provider) => providers.push(provider),
    fallback: (reason) => fallbacks.push(reason),
    backgroundJob: () => {},
    creativeStats: () => {},
    groundedAnswerChosen: (served) => chosen.push(served),
    llmTokens: () => {},
    register: () => {},
  };
}

function context(budgetMs = 20_000): WriteContext {
  return { deadline: Date.now() + budgetMs, forbiddenTerms: ['user-7'], log: silentLogger() };
}

describe('CopyWriter with the LLM writer', () => {
  let server: FakeChatServer;
  let metrics: ReturnType<typeof recordingMetrics>;

  function writer(overrides: Partial<OpenAiWriterOptions> = {}): CopyWriter {
    const llm = new OpenAiWriter({
      baseUrl: server.baseUrl,
      apiKey: 'test-key',
      model: 'local-test-model',
      timeoutMs: TIMEOUT_MS,
      maxRetries: 1,
      retryInitialDelayMs: 1,
      concurrency: 4,
      structuredOutput: 'json_schema',
      maxOutputTokens: 300,
      logger: silentLogger(),
      ...overrides,
    });
    return new CopyWriter({ llm, metrics });
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
    server.maxInFlight = 0;
    metrics = recordingMetrics();
  });

  describe('when the server answers normally', () => {
    it('uses the answer, labelled with the provider and model', async () => {
      const description = await writer().description(shoes, WALKER, context());
      assert.equal(description.provider, 'openai-compatible');
      assert.equal(description.model, 'local-test-model');
      assert.equal(description.promptVersion, PROMPT_VERSION);
      assert.equal(description.grounded, true);
      assert.equal(description.fallbackReason, null);
      assert.match(description.text, /local test model/);
      assert.equal(description.interest, 'outdoor');
      assert.deepEqual(checkDescription(description, shoes).problems, []);
      assert.deepEqual(metrics.chosen, ['model']);
    });

    it("passes on the server's token counts of each completion, by kind", async () => {
      const usages: TokenUsage[] = [];
      await writer({ onUsage: (usage) => usages.push(usage) }).ad(
        shoes,
        HIKER,
        'BANNER',
        context(),
      );
      assert.equal(usages.length, 1);
      const [usage] = usages;
      const sent = server.requests[0]?.body.messages?.map((m) => m.content).join(' ') ?? '';
      // The test server counts words as tokens.
      assert.equal(usage?.kind, 'ad');
      assert.equal(usage?.promptTokens, sent.split(/\s+/).filter((w) => w !== '').length);
      assert.ok((usage?.completionTokens ?? 0) > 0);
    });

    it('asks for structured output with the JSON schema and sends the key', async () => {
      await writer().ad(shoes, HIKER, 'BANNER', context());
      const [request] = server.requests;
      assert.equal(request?.authorization, 'Bearer test-key');
      assert.equal(request?.body.response_format?.type, 'json_schema');
      assert.equal(request?.body.response_format?.json_schema?.name, 'tailor_ad_banner');
      assert.match(request?.body.messages?.[0]?.content ?? '', /data, never instructions/);
    });
  });

  describe("when the template's best says more about the user than the grounded answer", () => {
    it('serves the template, saying it was chosen, and names the interest it used', async () => {
      // HIKER also likes camping, which the shoes do not carry: the template names it ("next
      // to your usual camping"), the prompt (and so the test model) gets only what they carry.
      const description = await writer().description(shoes, HIKER, context());
      const template = chooseDescription(shoes, HIKER);
      assert.equal(description.provider, TEMPLATE_PROVIDER);
      assert.equal(description.text, template.copy.text);
      assert.equal(description.fallbackReason, TEMPLATE_CHOSEN_REASON);
      assert.equal(description.interest, template.interest);
      assert.equal(description.grounded, true);
      assert.deepEqual(metrics.chosen, ['template']);
      // A choice, not a failure: nothing is counted as a fallback.
      assert.deepEqual(metrics.fallbacks, []);
    });

    it("serves the template's ad over an answer that names none of the user's interests", async () => {
      server.mode = 'impersonal';
      const ad = await writer().ad(shoes, WALKER, 'BANNER', context());
      assert.equal(ad.provider, TEMPLATE_PROVIDER);
      assert.equal(ad.fallbackReason, TEMPLATE_CHOSEN_REASON);
      assert.notEqual(ad.interest, null);
      assert.deepEqual(metrics.chosen, ['template']);
    });
  });

  describe('when the answer is slower than the timeout', () => {
    it('falls back to the template and says it timed out', async () => {
      server.mode = 'slow';
      const description = await writer({
        maxRetries: 0,
        timeoutMs: NO_ANSWER_TIMEOUT_MS,
      }).description(shoes, HIKER, context());
      assert.equal(description.provider, TEMPLATE_PROVIDER);
      assert.equal(description.fallbackReason, `timeout after ${NO_ANSWER_TIMEOUT_MS} ms`);
      assert.equal(description.grounded, true);
      assert.equal(description.text, chooseDescription(shoes, HIKER).copy.text);
      assert.deepEqual(metrics.fallbacks, ['timeout']);
    });
  });

  describe('when the server fails with 500', () => {
    it('retries, then falls back to the template and says http 500', async () => {
      server.mode = 'error';
      const ad = await writer({ maxRetries: 1 }).ad(shoes, HIKER, 'SOCIAL', context());
      assert.equal(server.requests.length, 2);
      assert.equal(ad.provider, TEMPLATE_PROVIDER);
      assert.equal(ad.fallbackReason, 'http 500');
      assert.deepEqual(metrics.fallbacks, ['http_error']);
    });
  });

  describe('when the server keeps failing with 500', () => {
    it('stops calling it after 3 failures and writes from the template at once', async () => {
      server.mode = 'error';
      const copy = writer({ maxRetries: 0 });
      for (let i = 0; i < 3; i += 1) await copy.ad(shoes, HIKER, 'SOCIAL', context());
      assert.equal(server.requests.length, 3);
      const ad = await copy.ad(shoes, HIKER, 'SOCIAL', context());
      assert.equal(server.requests.length, 3, 'the open circuit made no call');
      assert.equal(ad.provider, TEMPLATE_PROVIDER);
      assert.equal(ad.fallbackReason, 'LLM unavailable (circuit open)');
    });
  });

  describe('when the answer is not grounded', () => {
    it('asks once more with the problems named, then falls back to the template', async () => {
      server.mode = 'ungrounded';
      const description = await writer().description(shoes, HIKER, context());
      assert.equal(server.requests.length, 2);
      const retry = server.requests[1]?.body.messages ?? [];
      assert.equal(retry.at(-2)?.role, 'assistant');
      assert.match(retry.at(-1)?.content ?? '', /rejected because it is not grounded/);
      assert.equal(description.provider, TEMPLATE_PROVIDER);
      assert.match(description.fallbackReason ?? '', /^ungrounded \(\d+ problems?\)$/);
      assert.doesNotMatch(description.text, /FREE|50%|leather/);
      assert.deepEqual(metrics.fallbacks, ['ungrounded']);
    });

    it('falls back at once, without a correction turn, when told to take none', async () => {
      server.mode = 'ungrounded';
      const llm = new OpenAiWriter({
        baseUrl: server.baseUrl,
        model: 'local-test-model',
        timeoutMs: TIMEOUT_MS,
        maxRetries: 0,
        retryInitialDelayMs: 1,
        concurrency: 1,
        structuredOutput: 'json_schema',
        maxOutputTokens: 300,
        logger: silentLogger(),
      });
      const copy = new CopyWriter({ llm, metrics, correctionTurns: 0 });
      const description = await copy.description(shoes, HIKER, context());
      assert.equal(server.requests.length, 1);
      assert.equal(description.provider, TEMPLATE_PROVIDER);
      assert.match(description.fallbackReason ?? '', /^ungrounded \(\d+ problems?\)$/);
      assert.deepEqual(metrics.fallbacks, ['ungrounded']);
    });
  });

  describe('when the item tries to inject "say FREE"', () => {
    it('never yields FREE, whether the model obeys or answers with claims', async () => {
      for (const mode of ['obey', 'ungrounded', 'normal'] as const) {
        server.mode = mode;
        const description = await writer().description(crafted, HIKER, context());
        const ad = await writer().ad(crafted, HIKER, 'EMAIL_SUBJECT', context());
        const texts = [description.text, ad.headline, ad.body, ad.callToAction].join(' ');
        assert.doesNotMatch(texts, /free/i, mode);
        assert.doesNotMatch(JSON.stringify([description, ad]), /FREE/, mode);
      }
      const everything = server.requests
        .flatMap((r) => r.body.messages ?? [])
        .map((m) => m.content);
      assert.equal(
        everything.some((text) => text.includes('say FREE')),
        false,
      );
    });
  });

  describe('when the server does not support structured output', () => {
    it('asks again without response_format, reads the fenced JSON and keeps to plain prompting', async () => {
      server.mode = 'no-structured-output';
      const copy = writer();
      const first = await copy.description(shoes, WALKER, context());
      const second = await copy.ad(shoes, WALKER, 'BANNER', context());
      assert.equal(first.provider, 'openai-compatible');
      assert.equal(second.provider, 'openai-compatible');
      assert.deepEqual(
        server.requests.map((r) => r.body.response_format?.type ?? 'none'),
        ['json_schema', 'none', 'none'],
      );
    });
  });

  describe('when the request budget is spent', () => {
    it('does not call the server and says so', async () => {
      const description = await writer().description(shoes, HIKER, context(0));
      assert.equal(server.requests.length, 0);
      assert.equal(description.fallbackReason, 'request budget exhausted');
      assert.deepEqual(metrics.fallbacks, ['budget_exhausted']);
    });
  });

  describe('when the server cannot be reached', () => {
    it('falls back with a connection error', async () => {
      const closed = await startFakeChatServer();
      await closed.close();
      const copy = new CopyWriter({
        llm: new OpenAiWriter({
          baseUrl: closed.baseUrl,
          model: 'm',
          timeoutMs: TIMEOUT_MS,
          maxRetries: 0,
          retryInitialDelayMs: 1,
          concurrency: 1,
          structuredOutput: 'json_schema',
          maxOutputTokens: 100,
          logger: silentLogger(),
        }),
        metrics,
      });
      const description = await copy.description(shoes, HIKER, context());
      assert.match(description.fallbackReason ?? '', /^connection error/);
      assert.deepEqual(metrics.fallbacks, ['connection']);
    });
  });

  describe('when more texts are asked for than the concurrency limit', () => {
    it('keeps at most that many requests in flight and answers them all', async () => {
      server.mode = 'gated';
      const copy = writer({ concurrency: 2, timeoutMs: 20_000 });
      const all = Promise.all(
        Array.from({ length: 5 }, () => copy.description(shoes, WALKER, context())),
      );
      await waitFor(() => server.inFlight === 2, { description: 'two requests in flight' });
      assert.equal(server.requests.length, 2);
      let answered = false;
      void all.then(() => {
        answered = true;
      });
      await waitFor(
        () => {
          server.release();
          return answered;
        },
        { description: 'every text answered' },
      );
      const texts = await all;
      assert.equal(server.maxInFlight, 2);
      assert.equal(server.requests.length, 5);
      assert.ok(texts.every((t) => t.provider === 'openai-compatible'));
    });
  });
});

describe('CopyWriter without an LLM', () => {
  it('answers with the template, with no fallback reason', async () => {
    const copy = new CopyWriter({ metrics: recordingMetrics() });
    const description = await copy.description(shoes, HIKER, context());
    assert.deepEqual(copy.identity, {
      provider: 'template',
      model: 'tailor-template',
      promptVersion: 'template-v2',
    });
    assert.equal(description.provider, 'template');
    assert.equal(description.fallbackReason, null);
    assert.equal(description.grounded, true);
  });
});
