import type { Embedder } from '../../ports/embedder.js';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
} from '../../telemetry/semconv.js';
import { serverAttributesOf, SpanKind, traceHeaders, withSpan } from '../../telemetry/spans.js';
import { normalizeInPlace } from '../../vectors.js';

/** Options of {@link createOpenAiEmbedder}. */
export interface OpenAiEmbedderOptions {
  /** Base URL of an OpenAI-compatible API, e.g. `http://127.0.0.1:11434/v1`; `/embeddings` is appended. */
  baseUrl: string;
  /** The model the server embeds with, e.g. `text-embedding-3-small` or `nomic-embed-text`. */
  model: string;
  /** Sent as a bearer token when set. */
  apiKey?: string;
  /** Deadline of one HTTP call. */
  timeoutMs: number;
  /** Texts per HTTP call. */
  batchSize: number;
}

/**
 * Raised when the embeddings API fails. The message says what went wrong but never the URL,
 * which is an internal address; `retriable` tells a caller whether trying again may help.
 */
export class EmbeddingApiError extends Error {
  constructor(
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EmbeddingApiError';
  }
}

/**
 * An embedder over any OpenAI-compatible `/v1/embeddings` endpoint (OpenAI, Ollama, vLLM, TEI).
 * Asks the server once at creation for the vector length, so the dimension follows the model.
 * Vectors are L2-normalized here, since not every server does.
 */
export async function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Promise<Embedder> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/embeddings`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;

  const spanAttributes = {
    [ATTR_GEN_AI_OPERATION_NAME]: 'embeddings',
    [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
    [ATTR_GEN_AI_REQUEST_MODEL]: options.model,
    ...serverAttributesOf(url),
  };
  // A GenAI client span per HTTP call, inside a trace only (the start-up probe makes none); its
  // traceparent goes to the server. The texts stay off the span: they may be anyone's.
  const call = (texts: readonly string[]) =>
    withSpan(
      `embeddings ${options.model}`,
      { kind: SpanKind.CLIENT, attributes: spanAttributes, onlyInTrace: true },
      () => send(texts),
    );

  const send = async (texts: readonly string[]): Promise<Float32Array[]> => {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { ...headers, ...traceHeaders() },
        body: JSON.stringify({ model: options.model, input: texts }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof DOMException && err.name === 'TimeoutError';
      throw new EmbeddingApiError(
        timedOut
          ? `embeddings API did not answer within ${options.timeoutMs} ms (EMBEDDER_TIMEOUT_MS)`
          : 'embeddings API unreachable (EMBEDDER_BASE_URL)',
        true,
        { cause: err },
      );
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new EmbeddingApiError(
        `embeddings API answered HTTP ${response.status} for model ${options.model}` +
          (response.status === 401 || response.status === 403 ? ' (check EMBEDDER_API_KEY)' : ''),
        response.status === 429 || response.status >= 500,
      );
    }
    const body = (await response.json().catch(() => undefined)) as
      { data?: { embedding?: unknown; index?: unknown }[] } | undefined;
    const data = body?.data;
    if (!Array.isArray(data) || data.length !== texts.length) {
      throw new EmbeddingApiError(
        `embeddings API answered without one embedding per input (${texts.length} sent)`,
        false,
      );
    }
    const vectors: Float32Array[] = new Array<Float32Array>(texts.length);
    data.forEach((entry, position) => {
      const index = typeof entry.index === 'number' ? entry.index : position;
      const embedding = entry.embedding;
      if (
        !Array.isArray(embedding) ||
        embedding.length === 0 ||
        !embedding.every((x) => typeof x === 'number' && Number.isFinite(x)) ||
        index < 0 ||
        index >= texts.length
      ) {
        throw new EmbeddingApiError(`embeddings API answered a malformed embedding`, false);
      }
      vectors[index] = normalizeInPlace(Float32Array.from(embedding as number[]));
    });
    return vectors;
  };

  const [probe] = await call(['dimension probe']);
  const dimension = probe!.length;

  return {
    model: `openai:${options.model}`,
    dimension,
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += options.batchSize) {
        const vectors = await call(texts.slice(i, i + options.batchSize));
        for (const v of vectors) {
          if (v === undefined || v.length !== dimension) {
            throw new EmbeddingApiError(
              `embeddings API changed its vector length from ${dimension} to ${v?.length ?? 0}`,
              false,
            );
          }
        }
        out.push(...vectors);
      }
      return out;
    },
  };
}
