import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  type Attributes,
  CircuitBreaker,
  DependencyUnavailableError,
  type Logger,
  retry,
  serverAttributesOf,
  SpanKind,
  traceHeaders,
  withSpan,
} from '@tailor/kit';
import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
} from 'openai/resources/chat/completions';

import { type CopyKind, OPENAI_PROVIDER } from '../domain/copy.js';
import { type ChatMessage, parseAnswer, type Prompt, PROMPT_VERSION } from '../domain/prompt.js';
import { ConcurrencyLimiter, SlotTimeoutError } from './concurrency-limiter.js';
import { GenerationFailure } from './generation-failure.js';
import type { StructuredOutputMode } from './structured-output.js';

/** Options of {@link OpenAiWriter}. */
export interface OpenAiWriterOptions {
  /** Base URL of the chat API (`…/v1`); OpenAI's when absent. */
  baseUrl?: string | undefined;
  /** Bearer token; local servers usually take any. */
  apiKey?: string | undefined;
  model: string;
  /** Longest wait for one attempt. */
  timeoutMs: number;
  /**
   * Connection or server errors in a row after which the endpoint is not called until a probe
   * gets through (`GENERATION_LLM_CIRCUIT_FAILURES`); 0 never stops calling it. Default 3.
   */
  circuitFailureThreshold?: number;
  /** Further attempts after a retriable failure. */
  maxRetries: number;
  /** First backoff delay, doubled per retry, with jitter. */
  retryInitialDelayMs: number;
  /** Completions in flight at once across the process. */
  concurrency: number;
  structuredOutput: StructuredOutputMode;
  maxOutputTokens: number;
  logger: Logger;
  /**
   * Told the server's token counts (`usage`) of every completion it answered, failed parses
   * included: prompt length is what a small local model spends most of its time on.
   */
  onUsage?: (usage: TokenUsage) => void;
}

/** Tokens one completion took, as the server counted them. */
export interface TokenUsage {
  kind: CopyKind;
  promptTokens: number;
  completionTokens: number;
}

/** What one completion came to: the validated value and the raw text (for a correction turn). */
export interface Completion<T> {
  value: T;
  raw: string;
}

/** Below this much budget left, an attempt is not started: it could not finish anyway. */
const MIN_ATTEMPT_MS = 25;
const MAX_BACKOFF_MS = 10_000;
const OPENAI_BASE_URL = 'https://api.openai.com/v1';
/**
 * Sampling: a low temperature keeps a model close to the facts it is given, and a frequency
 * penalty stops a small one from repeating a sentence until it runs out of words (SmolLM2-135M
 * did that in most descriptions without it; see bench:llm).
 */
const TEMPERATURE = 0.3;
/** Which copy a chat call writes (`description`, `ad`), on its span. */
const ATTR_TAILOR_COPY_KIND = 'tailor.copy.kind';
const FREQUENCY_PENALTY = 0.5;

/**
 * Any OpenAI-compatible chat API (OpenAI, vLLM, Ollama, llama.cpp server) through the `openai`
 * SDK. The SDK's own retries are off: this class retries with the kit's backoff itself, so that
 * every attempt and every wait fits the caller's deadline and the concurrency limit.
 */
export class OpenAiWriter {
  readonly provider = OPENAI_PROVIDER;
  readonly promptVersion = PROMPT_VERSION;
  readonly model: string;
  private readonly client: OpenAI;
  /** `server.address` and `server.port` of the chat API, on every span. */
  private readonly server: Attributes;
  private readonly limiter: ConcurrencyLimiter;
  private readonly log: Logger;
  /** Lowered for good when the server refuses `response_format` with a 400. */
  private structuredOutput: StructuredOutputMode;
  /** Stops calling an endpoint that keeps failing, and probes for its return; none when off. */
  private readonly breaker: CircuitBreaker | undefined;

  constructor(private readonly options: OpenAiWriterOptions) {
    this.model = options.model;
    this.server = serverAttributesOf(options.baseUrl ?? OPENAI_BASE_URL);
    this.client = new OpenAI({
      // Passed explicitly so the SDK never falls back to reading process.env itself.
      baseURL: options.baseUrl ?? OPENAI_BASE_URL,
      apiKey: options.apiKey ?? 'not-needed',
      adminAPIKey: null,
      organization: null,
      project: null,
      webhookSecret: null,
      maxRetries: 0,
      timeout: options.timeoutMs,
    });
    this.limiter = new ConcurrencyLimiter(options.concurrency);
    const threshold = options.circuitFailureThreshold ?? 3;
    this.breaker =
      threshold === 0
        ? undefined
        : new CircuitBreaker({
            name: 'llm',
            failureThreshold: threshold,
            // Only an endpoint that does not answer, or answers with a server error, is down; a slow
            // model (timeouts) still writes in the background, and a bad answer is the model's.
            countsAsOutage: (err) =>
              err instanceof GenerationFailure &&
              err.retriable &&
              (err.reason === 'connection' || err.reason === 'http_error'),
            onStateChange: (state) => this.log.warn({ state }, 'LLM circuit changed'),
          });
    this.structuredOutput = options.structuredOutput;
    this.log = options.logger.child({ component: 'openai-writer', model: options.model });
  }

  /**
   * One validated answer to `prompt` (plus `followUp` turns), or a {@link GenerationFailure}.
   * Timeouts, connection errors, 408/409/429/5xx and unreadable answers are retried with
   * backoff up to the limit; nothing is started or waited for past `deadline` (epoch ms).
   */
  async complete<T>(
    prompt: Prompt<T>,
    followUp: readonly ChatMessage[],
    deadline: number,
  ): Promise<Completion<T>> {
    return retry(
      async (attempt) => {
        try {
          const once = async () => {
            try {
              return await this.attempt(prompt, followUp, deadline);
            } catch (err) {
              throw err instanceof GenerationFailure ? err : this.classify(err, deadline);
            }
          };
          return await (this.breaker === undefined ? once() : this.breaker.run(once));
        } catch (err) {
          if (err instanceof DependencyUnavailableError) {
            // The server failed repeatedly and no probe has got through yet: the template
            // stands in at once instead of each request waiting on a dead endpoint.
            throw new GenerationFailure('connection', 'LLM unavailable (circuit open)', {
              retriable: false,
              cause: err,
            });
          }
          const failure = err instanceof GenerationFailure ? err : this.classify(err, deadline);
          this.log.debug(
            { attempt, reason: failure.reason, detail: failure.detail },
            'completion attempt failed',
          );
          throw failure;
        }
      },
      {
        attempts: this.options.maxRetries + 1,
        initialDelayMs: this.options.retryInitialDelayMs,
        maxDelayMs: MAX_BACKOFF_MS,
        jitter: 'equal',
        retriable: (failure) =>
          failure instanceof GenerationFailure &&
          failure.retriable &&
          failure.reason !== 'budget_exhausted',
        // Asked again at once, in plain JSON: the refusal was the server's, not the model's.
        retryAfterMs: (failure) => (this.lowerStructuredOutput(failure) ? 0 : undefined),
        onRetry: ({ err, delayMs }) => {
          if (Date.now() + delayMs + MIN_ATTEMPT_MS > deadline) throw budgetExhausted(err);
        },
      },
    );
  }

  private async attempt<T>(
    prompt: Prompt<T>,
    followUp: readonly ChatMessage[],
    deadline: number,
  ): Promise<Completion<T>> {
    const remaining = deadline - Date.now();
    if (remaining < MIN_ATTEMPT_MS) throw budgetExhausted();
    const timeout = Math.min(this.options.timeoutMs, remaining);
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: this.model,
      messages: [...prompt.messages, ...followUp],
      max_tokens: this.options.maxOutputTokens,
      temperature: TEMPERATURE,
      frequency_penalty: FREQUENCY_PENALTY,
      ...this.responseFormat(prompt),
    };
    let completion;
    try {
      completion = await this.limiter.run(() => this.traced(body, prompt.kind, timeout), deadline);
    } catch (err) {
      if (err instanceof SlotTimeoutError) throw budgetExhausted(err);
      if (err instanceof APIConnectionTimeoutError && timeout < this.options.timeoutMs)
        throw budgetExhausted(err);
      throw err;
    }
    if (completion.usage !== undefined && completion.usage !== null) {
      this.options.onUsage?.({
        kind: prompt.kind,
        promptTokens: completion.usage.prompt_tokens,
        completionTokens: completion.usage.completion_tokens,
      });
    }
    const choice = completion.choices[0];
    const raw = choice?.message.content ?? '';
    if (raw.trim() === '') {
      const refusal = choice?.message.refusal;
      throw new GenerationFailure(
        'invalid_output',
        refusal ? 'invalid output: refused' : 'invalid output: empty answer',
        {
          retriable: !refusal,
        },
      );
    }
    try {
      return { value: parseAnswer(prompt, raw), raw };
    } catch (err) {
      const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw new GenerationFailure('invalid_output', `invalid output: ${message}`, {
        retriable: true,
        cause: err,
      });
    }
  }

  /**
   * One chat call as a GenAI client span (`chat <model>`, the GenAI semantic conventions: the
   * request's model and sampling, the answer's model, id, finish reasons and token counts). Its
   * `traceparent` goes to the server, so a traced vLLM or gateway in front of the model joins
   * the trace. Neither prompt nor answer is recorded: they hold the shopper's interests.
   */
  private traced(
    body: ChatCompletionCreateParamsNonStreaming,
    kind: CopyKind,
    timeout: number,
  ): Promise<ChatCompletion> {
    return withSpan(
      `chat ${this.model}`,
      {
        tracer: '@tailor/generation',
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
          [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
          [ATTR_GEN_AI_REQUEST_MODEL]: this.model,
          [ATTR_GEN_AI_REQUEST_MAX_TOKENS]: this.options.maxOutputTokens,
          [ATTR_GEN_AI_REQUEST_TEMPERATURE]: TEMPERATURE,
          [ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY]: FREQUENCY_PENALTY,
          [ATTR_GEN_AI_OUTPUT_TYPE]: body.response_format === undefined ? 'text' : 'json',
          ...this.server,
          [ATTR_TAILOR_COPY_KIND]: kind,
        },
      },
      async (span) => {
        const completion = await this.client.chat.completions.create(body, {
          timeout,
          maxRetries: 0,
          headers: traceHeaders(),
        });
        span?.setAttributes({
          [ATTR_GEN_AI_RESPONSE_MODEL]: completion.model,
          [ATTR_GEN_AI_RESPONSE_ID]: completion.id,
          [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: completion.choices.map((c) => c.finish_reason),
          ...(completion.usage === undefined || completion.usage === null
            ? {}
            : {
                [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: completion.usage.prompt_tokens,
                [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: completion.usage.completion_tokens,
              }),
        });
        return completion;
      },
    );
  }

  private responseFormat<T>(
    prompt: Prompt<T>,
  ): Pick<ChatCompletionCreateParamsNonStreaming, 'response_format'> {
    if (this.structuredOutput === 'json_schema') {
      return {
        response_format: {
          type: 'json_schema',
          json_schema: { name: prompt.schemaName, schema: prompt.jsonSchema, strict: true },
        },
      };
    }
    if (this.structuredOutput === 'json_object')
      return { response_format: { type: 'json_object' } };
    return {};
  }

  /**
   * After a 400/422 that names response_format, json_schema or the schema (the server lacks the
   * feature), prompts for JSON instead from now on; true when it did.
   */
  private lowerStructuredOutput(failure: unknown): boolean {
    if (this.structuredOutput === 'none' || !(failure instanceof GenerationFailure)) return false;
    const err = failure.cause;
    if (failure.reason !== 'http_error' || !(err instanceof APIError)) return false;
    if (err.status !== 400 && err.status !== 422) return false;
    const refused = /response_format|json_schema|schema|structured/i.test(
      `${err.message} ${JSON.stringify(err.error ?? '')}`,
    );
    if (refused) {
      this.log.warn(
        { mode: this.structuredOutput },
        'server refuses response_format; prompting for JSON instead',
      );
      this.structuredOutput = 'none';
    }
    return refused;
  }

  private classify(err: unknown, deadline: number): GenerationFailure {
    if (err instanceof APIConnectionTimeoutError || err instanceof APIUserAbortError) {
      return new GenerationFailure('timeout', `timeout after ${this.options.timeoutMs} ms`, {
        retriable: true,
        cause: err,
      });
    }
    if (err instanceof APIConnectionError) {
      return new GenerationFailure('connection', `connection error: ${err.message}`, {
        retriable: true,
        cause: err,
      });
    }
    if (err instanceof APIError && typeof err.status === 'number') {
      const retriable =
        err.status === 408 || err.status === 409 || err.status === 429 || err.status >= 500;
      return new GenerationFailure('http_error', `http ${err.status}`, { retriable, cause: err });
    }
    if (Date.now() >= deadline) return budgetExhausted(err);
    const message = err instanceof Error ? err.message : String(err);
    return new GenerationFailure('connection', `error: ${message}`, {
      retriable: false,
      cause: err,
    });
  }
}

function budgetExhausted(cause?: unknown): GenerationFailure {
  return new GenerationFailure('budget_exhausted', 'request budget exhausted', {
    retriable: false,
    cause,
  });
}
