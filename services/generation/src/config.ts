import { homedir } from 'node:os';
import { join } from 'node:path';

import { baseEnvShape, env, EVENT_TYPES, type EventType, experimentsEnvShape } from '@tailor/kit';
import { z } from 'zod';

import { DEFAULT_ATTRIBUTION_WINDOW_MS } from './domain/loop/attribution.js';
import { DEFAULT_BANDIT_SETTINGS } from './domain/loop/bandit.js';
import { DEFAULT_REWARD_WEIGHTS, type RewardWeights } from './domain/loop/rewards.js';
import { DEFAULT_MAX_SHOPPERS } from './domain/loop/shoppers.js';
import type { OpenAiWriterOptions } from './writers/openai-writer.js';
import { STRUCTURED_OUTPUT_MODES } from './writers/structured-output.js';

/** Default port of the generation subgraph. */
export const DEFAULT_GENERATION_PORT = 4005;

/** Where infra/llm/install.sh puts the venv and the SmolLM2 weights (its LLM_CACHE_DIR default). */
const LLM_CACHE_DIR = join(homedir(), '.cache', 'tailor', 'llm');

/** A whole number in bounds, or undefined when unset: its default depends on the provider. */
const optionalInt = (min: number, max: number) =>
  z.coerce
    .number({ error: `expected a whole number from ${min} to ${max}` })
    .int(`expected a whole number from ${min} to ${max}`)
    .min(min, `expected a whole number from ${min} to ${max}`)
    .max(max, `expected a whole number from ${min} to ${max}`)
    .optional();

const optionalText = (what: string) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()))
    .describe(what);

const REWARD_WEIGHTS_FORM =
  'expected type=weight pairs separated by commas, e.g. click=0.5,purchase=1, each weight from 0 to 1';

/**
 * `click=0.5,purchase=1`: the reward each event type earns the variant it is attributed to.
 * Types not listed earn 0; unset, the defaults of `DEFAULT_REWARD_WEIGHTS`.
 */
const rewardWeights = z
  .string()
  .optional()
  .transform((value, ctx): RewardWeights => {
    if (value === undefined || value.trim() === '') return DEFAULT_REWARD_WEIGHTS;
    const weights: Partial<Record<EventType, number>> = {};
    for (const pair of value.split(',')) {
      const [type = '', weight = '', ...rest] = pair.split('=').map((part) => part.trim());
      const number = Number(weight);
      if (
        rest.length > 0 ||
        !(EVENT_TYPES as readonly string[]).includes(type) ||
        weight === '' ||
        !(number >= 0 && number <= 1)
      ) {
        ctx.addIssue({ code: 'custom', message: `${REWARD_WEIGHTS_FORM} (got "${pair.trim()}")` });
        return z.NEVER;
      }
      weights[type as EventType] = number;
    }
    return Object.freeze(weights);
  });

/** Environment of the generation subgraph. */
export const generationEnvShape = {
  GENERATION_PORT: env.port(DEFAULT_GENERATION_PORT),
  /** A/B experiments (kit's `EXPERIMENTS`): an arm may turn the bandit off; results are kept here. */
  ...experimentsEnvShape,
  /**
   * Most exposed users an experiment's results hold in memory (about 1 kB each at most); users
   * exposed after them are left out and counted as `impressionsNotCounted`.
   */
  EXPERIMENTS_MAX_USERS: env.int(50_000, 1, 1_000_000),
  /**
   * `template`: the deterministic writer only; `openai`: any OpenAI-compatible chat API;
   * `local`: llama.cpp's server started by this service for its own use (see the
   * GENERATION_LOCAL_* settings), stopped with it.
   */
  GENERATION_PROVIDER: z
    .enum(['template', 'openai', 'local'], { error: 'expected template, openai or local' })
    .default('template'),
  /** `local`: the GGUF model file; SmolLM2-135M-Instruct where infra/llm/install.sh puts it. */
  GENERATION_LOCAL_MODEL_PATH: z
    .string()
    .min(1, 'expected the path of a GGUF model file')
    .default(join(LLM_CACHE_DIR, 'models', 'SmolLM2-135M-Instruct.Q4_1.gguf')),
  /** `local`: the Python venv with the xllamacpp wheel that infra/llm/install.sh makes. */
  GENERATION_LOCAL_VENV: z
    .string()
    .min(1, 'expected the directory of a Python venv')
    .default(join(LLM_CACHE_DIR, 'venv')),
  /** `local`: CPU threads of the server (on a small shared CPU more threads are slower). */
  GENERATION_LOCAL_THREADS: env.int(1, 1, 256),
  /** `local`: context window in tokens (a prompt, its answer and one correction turn fit 2048). */
  GENERATION_LOCAL_CONTEXT_TOKENS: env.int(2_048, 512, 131_072),
  /** `local`: how long the server may take to load the model and answer /health. */
  GENERATION_LOCAL_START_TIMEOUT_MS: env.int(120_000, 1_000, 3_600_000),
  /** Base URL of the chat API, e.g. http://127.0.0.1:11434/v1 for Ollama; OpenAI's by default. */
  OPENAI_BASE_URL: env.url().optional(),
  /** Sent as a bearer token; local servers usually need none. */
  OPENAI_API_KEY: optionalText('API key of the chat API'),
  OPENAI_MODEL: z.string().min(1, 'expected a model name').default('gpt-4o-mini'),
  GENERATION_STRUCTURED_OUTPUT: z
    .enum(STRUCTURED_OUTPUT_MODES, { error: 'expected json_schema, json_object or none' })
    .default('json_schema'),
  /** Longest wait for one chat completion attempt; 8000, or 60000 for `local` (see {@link llmLimits}). */
  GENERATION_TIMEOUT_MS: optionalInt(50, 300_000),
  /** Further attempts after a timeout, connection error, 429 or 5xx. */
  GENERATION_MAX_RETRIES: env.int(2, 0, 10),
  /**
   * Connection or server errors in a row after which the LLM is not called until a probe (at
   * most every 2 s) gets through; 0 never stops calling it.
   */
  GENERATION_LLM_CIRCUIT_FAILURES: env.int(3, 0, 1_000),
  /** First backoff delay; doubled on each retry, with jitter. */
  GENERATION_RETRY_INITIAL_DELAY_MS: env.int(250, 0, 60_000),
  /**
   * Model answers written at once in the background, across all requests of this process; 4, or
   * 1 for `local`, whose server writes one answer at a time (see {@link llmLimits}).
   */
  GENERATION_CONCURRENCY: optionalInt(1, 256),
  /**
   * Model answers waiting for a free writer; past it new work is dropped (logged and counted)
   * and the template answers until a later request asks again.
   */
  GENERATION_QUEUE_MAX_JOBS: env.int(256, 0, 100_000),
  /**
   * How long one GraphQL request waits for model answers in total; after it the template (or a
   * cached model answer) answers and the model keeps writing in the background.
   */
  GENERATION_REQUEST_BUDGET_MS: env.int(2_000, 50, 600_000),
  /**
   * 1: an ungrounded LLM answer is sent back once with its problems named; 0: the template
   * stands in at once (a small model rarely fixes its answer, and the turn costs a completion).
   */
  GENERATION_CORRECTION_TURNS: env.int(1, 0, 1),
  /** LLM time one background answer may take, retries and the grounding retry included. */
  GENERATION_JOB_BUDGET_MS: env.int(120_000, 100, 3_600_000),
  /**
   * `max_tokens` of a completion. A description of at most 90 words is about 120 tokens of
   * JSON; SmolLM2-135M averaged 98 for descriptions and 52 for ads (tests/e2e/llm.test.ts).
   */
  GENERATION_MAX_OUTPUT_TOKENS: env.int(160, 16, 8_192),
  /** Generated texts and thumbnails kept in memory (least recently used evicted first). */
  GENERATION_CACHE_MAX_ENTRIES: env.int(10_000, 0, 1_000_000),
  /** How long a grounded model answer is served from the cache (LRU-bounded by the entries above). */
  GENERATION_CACHE_TTL_MS: env.int(86_400_000, 1_000, 2_592_000_000),
  /** How long a template answer that replaced a failed LLM call is reused before retrying. */
  GENERATION_FALLBACK_CACHE_TTL_MS: env.int(60_000, 0, 86_400_000),
  /** Rendered PNG bytes kept in memory; the disk copy under the thumbnail dir stays. */
  GENERATION_THUMBNAIL_CACHE_MAX_BYTES: env.int(64 * 1_048_576, 0, 4 * 1_073_741_824),
  /**
   * Bytes of SVG and PNG files kept on disk; past it the oldest go (a URL carries its recipe, so
   * an evicted thumbnail is drawn again when it is next fetched).
   */
  GENERATION_THUMBNAIL_DISK_MAX_BYTES: env.int(512 * 1_048_576, 1_048_576, 1_099_511_627_776),
  /** Where rendered thumbnails are kept; `<DATA_DIR>/thumbnails` by default. */
  GENERATION_THUMBNAIL_DIR: optionalText('thumbnail directory'),
  /** A directory of local product images: an item's `imageUrl` relative to it (or a file: URL inside it) is drawn into its thumbnail. */
  GENERATION_IMAGE_DIR: optionalText('local image directory'),
  /** Absolute base of thumbnail URLs, e.g. https://cdn.example.com; the service's own address by default. */
  GENERATION_PUBLIC_BASE_URL: env.url().optional(),
  /**
   * Several variants per item and format, one per angle the item offers, chosen by the bandit;
   * false serves the interest-led copy only (what the service wrote before variants).
   */
  GENERATION_VARIANTS: env.bool(true),
  /** The least probability any offered angle is chosen with (capped at 1/angles). */
  GENERATION_BANDIT_MIN_ARM_PROBABILITY: env.number(
    DEFAULT_BANDIT_SETTINGS.minArmProbability,
    0,
    0.5,
  ),
  /** Posterior draws per choice, from which the choice's propensity is estimated. */
  GENERATION_BANDIT_PROPENSITY_DRAWS: env.int(DEFAULT_BANDIT_SETTINGS.propensityDraws, 1, 100_000),
  /** Pseudo-observations a context bucket borrows from the same angle in the other buckets. */
  GENERATION_BANDIT_PRIOR_STRENGTH: env.number(DEFAULT_BANDIT_SETTINGS.priorStrength, 0, 1_000_000),
  /** Pseudo-observations of the bucket a shopper's own estimate starts from; 0: bucket alone. */
  GENERATION_BANDIT_SHOPPER_PRIOR_STRENGTH: env.number(
    DEFAULT_BANDIT_SETTINGS.shopperPriorStrength,
    0,
    1_000_000,
  ),
  /** Shoppers whose own evidence is held (least recently updated dropped first); 0: none. */
  GENERATION_BANDIT_MAX_SHOPPERS: env.int(DEFAULT_MAX_SHOPPERS, 0, 10_000_000),
  /** Seed of the bandit's draws, for reproducible runs; random at each start when unset. */
  GENERATION_BANDIT_SEED: optionalInt(0, 4_294_967_295),
  /** How long a user keeps the variant chosen for an item and format; 0 chooses every time. */
  GENERATION_VARIANT_STICKY_MS: env.int(1_800_000, 0, 2_592_000_000),
  /** Reward of each event type attributed to a variant (see {@link rewardWeights}). */
  GENERATION_REWARD_WEIGHTS: rewardWeights,
  /**
   * How long after a variant is shown an event carrying its creative id still credits it:
   * a day by default, so the evening's purchase after a morning's click counts.
   */
  GENERATION_ATTRIBUTION_WINDOW_MS: env.int(DEFAULT_ATTRIBUTION_WINDOW_MS, 1_000, 2_592_000_000),
  /** Read here too: thumbnails live under it unless GENERATION_THUMBNAIL_DIR says otherwise. */
  DATA_DIR: baseEnvShape.DATA_DIR,
};

/** The parsed settings the generation subgraph reads. */
export type GenerationConfig = Readonly<z.output<z.ZodObject<typeof generationEnvShape>>>;

/** The completion timeout and concurrency in force: what was set, else the provider's default. */
export function llmLimits(
  config: Pick<
    GenerationConfig,
    'GENERATION_PROVIDER' | 'GENERATION_TIMEOUT_MS' | 'GENERATION_CONCURRENCY'
  >,
): { timeoutMs: number; concurrency: number } {
  // A local server on one thread answers one request at a time, each in seconds: more in flight
  // would only wait in its queue, and a remote API's 8 s would time them out there.
  const local = config.GENERATION_PROVIDER === 'local';
  return {
    timeoutMs: config.GENERATION_TIMEOUT_MS ?? (local ? 60_000 : 8_000),
    concurrency: config.GENERATION_CONCURRENCY ?? (local ? 1 : 4),
  };
}

/** Where the LLM writer sends its completions. */
export interface ChatEndpoint {
  /** OpenAI's API when absent. */
  baseUrl?: string | undefined;
  apiKey?: string | undefined;
  model: string;
}

/**
 * The LLM writer's options as the settings give them: one place, so the service and the
 * benchmarks that measure it write with the very same limits.
 */
export function openAiWriterOptions(
  config: GenerationConfig,
  endpoint: ChatEndpoint,
  hooks: Pick<OpenAiWriterOptions, 'logger' | 'onUsage'>,
): OpenAiWriterOptions {
  const limits = llmLimits(config);
  return {
    baseUrl: endpoint.baseUrl,
    apiKey: endpoint.apiKey,
    model: endpoint.model,
    timeoutMs: limits.timeoutMs,
    maxRetries: config.GENERATION_MAX_RETRIES,
    circuitFailureThreshold: config.GENERATION_LLM_CIRCUIT_FAILURES,
    retryInitialDelayMs: config.GENERATION_RETRY_INITIAL_DELAY_MS,
    concurrency: limits.concurrency,
    structuredOutput: config.GENERATION_STRUCTURED_OUTPUT,
    maxOutputTokens: config.GENERATION_MAX_OUTPUT_TOKENS,
    ...hooks,
  };
}
