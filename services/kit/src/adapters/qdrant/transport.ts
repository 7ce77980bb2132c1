import { Agent, type Dispatcher, request } from 'undici';

/**
 * Thrown for a non-2xx answer, with the fields {@link qdrantError} reads from the client's own
 * errors, so both paths are reported the same way.
 */
export class QdrantHttpError extends Error {
  override readonly name = 'QdrantHttpError';
  constructor(
    readonly status: number,
    readonly data: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

/** Options of {@link createQdrantTransport}. */
export interface QdrantTransportOptions {
  /** Base URL of the REST API, without a trailing slash. */
  baseUrl: string;
  apiKey?: string;
  /** Deadline for the answer's headers, and again for its body. */
  requestTimeoutMs: number;
  /** Where requests go; the transport owns (and closes) an Agent of its own when absent. */
  dispatcher?: Dispatcher;
}

/** JSON requests to Qdrant's REST API, answering Qdrant's `result`. */
export interface QdrantTransport {
  post<T>(path: string, body: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * The read path to Qdrant on undici's `request`, not `fetch`. Every `fetch` on Node 20 (the
 * built-in one with or without an undici 6 or 7 Agent, and undici 7's own) stalls ~40 ms on an
 * answer of a few tens of kB from Qdrant, which is what a search with payloads returns;
 * `request` over the same server answers in 1-3 ms (figures in the adapter's README section).
 * The client's `fetch` cannot be replaced in 1.19, so the calls whose answers are large go here.
 */
export function createQdrantTransport(options: QdrantTransportOptions): QdrantTransport {
  const owned = options.dispatcher === undefined ? new Agent({ connections: 32 }) : undefined;
  const dispatcher = options.dispatcher ?? (owned as Agent);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
  };
  if (options.apiKey !== undefined) headers['api-key'] = options.apiKey;
  return {
    post: async <T>(path: string, body: unknown): Promise<T> => {
      const response = await request(`${options.baseUrl}${path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        dispatcher,
        headersTimeout: options.requestTimeoutMs,
        bodyTimeout: options.requestTimeoutMs,
      });
      const text = await response.body.text();
      let data: unknown;
      try {
        data = text === '' ? undefined : JSON.parse(text);
      } catch {
        data = text;
      }
      if (response.statusCode < 200 || response.statusCode >= 300) {
        throw new QdrantHttpError(response.statusCode, data);
      }
      return (data as { result: T }).result;
    },
    close: async () => {
      await owned?.close();
    },
  };
}
