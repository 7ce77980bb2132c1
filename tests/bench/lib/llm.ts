import {
  type ChatMessage,
  type Completion,
  type FailureReason,
  type GenerationConfig,
  generationEnvShape,
  type GenerationMetrics,
  type LocalLlmServer,
  OpenAiWriter,
  type Prompt,
  startLocalLlmServer,
} from '@tailor/generation';
import { loadConfig, silentLogger } from '@tailor/kit';
import { z } from 'zod';

import { say } from './output.js';

/**
 * The real model as the benches use it: the shipped settings of GENERATION_PROVIDER=local
 * (plus whatever the environment sets), and the server at LLM_BASE_URL / LLM_MODEL when both
 * are set (infra/llm/start.sh prints them), else llama.cpp's server started here the way the
 * generation service starts it.
 */
export interface BenchModel {
  config: GenerationConfig;
  endpoint: { baseUrl: string; model: string };
  /** Where the server came from, for the result file. */
  server: string;
  /** Stops the server when this bench started it. */
  stop(): Promise<void>;
}

export async function openBenchModel(): Promise<BenchModel> {
  const config = loadConfig(z.object(generationEnvShape), {
    ...process.env,
    GENERATION_PROVIDER: 'local',
  });
  const given =
    process.env.LLM_BASE_URL?.trim() && process.env.LLM_MODEL?.trim()
      ? { baseUrl: process.env.LLM_BASE_URL.trim(), model: process.env.LLM_MODEL.trim() }
      : undefined;
  if (given !== undefined) {
    return { config, endpoint: given, server: 'LLM_BASE_URL', stop: async () => {} };
  }
  say('starting llama.cpp server (GENERATION_PROVIDER=local settings) …');
  const local: LocalLlmServer = await startLocalLlmServer({
    modelPath: config.GENERATION_LOCAL_MODEL_PATH,
    venvDir: config.GENERATION_LOCAL_VENV,
    threads: config.GENERATION_LOCAL_THREADS,
    contextTokens: config.GENERATION_LOCAL_CONTEXT_TOKENS,
    startTimeoutMs: config.GENERATION_LOCAL_START_TIMEOUT_MS,
    logger: silentLogger(),
  });
  return {
    config,
    endpoint: { baseUrl: local.baseUrl, model: local.model },
    server: 'started by the bench (GENERATION_PROVIDER=local)',
    stop: () => local.stop(),
  };
}

/** Every parsed answer the writer returned, in order (a correction turn is a second one). */
export class RecordingWriter extends OpenAiWriter {
  readonly answers: { value: unknown; ms: number }[] = [];

  override async complete<T>(
    prompt: Prompt<T>,
    followUp: readonly ChatMessage[],
    deadline: number,
  ): Promise<Completion<T>> {
    const started = performance.now();
    const answer = await super.complete(prompt, followUp, deadline);
    this.answers.push({ value: answer.value, ms: performance.now() - started });
    return answer;
  }
}

/** Metrics that remember the fallback reasons and choices; the benches count them per text. */
export function recordingMetrics(): GenerationMetrics & {
  fallbacks: FailureReason[];
  chosen: ('model' | 'template')[];
} {
  const fallbacks: FailureReason[] = [];
  const chosen: ('model' | 'template')[] = [];
  return {
    fallbacks,
    chosen,
    cacheLookup: () => {},
    providerDuration: () => {},
    fallback: (reason) => fallbacks.push(reason),
    backgroundJob: () => {},
    creativeStats: () => {},
    groundedAnswerChosen: (served) => chosen.push(served),
    llmTokens: () => {},
    register: () => {},
  };
}
