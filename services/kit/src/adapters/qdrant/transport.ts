import { Agent, type Dispatcher, request } from 'undici';

/**
 * Thrown for a non-2xx answer, with the fields {@link qdrantError} reads (`status`, `data`), so
 * every failed call is reported the same way.
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

export type QdrantMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** JSON requests to Qdrant's REST API, answering Qdrant's `result`. */
export interface QdrantTransport {
  send<T>(method: QdrantMethod, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * Every call to Qdrant, on undici's `request` over an Agent from the same undici, never on
 * `fetch`. Two reasons, both measured (figures in the README's Qdrant section): every `fetch` on
 * Node 20 (the built-in one with no dispatcher, which is what a dispatcher matching Node's own
 * undici amounts to, and the client's, which hands an undici 7 Agent to Node's undici 6 fetch)
 * stalls ~40 ms on some answers of a few tens of kB, and `request` does not; and `request` with
 * its own Agent does not depend on the undici inside Node at all, so a Node upgrade cannot
 * mismatch it (on Node 26 the client's mismatch fails every request).
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
    send: async <T>(method: QdrantMethod, path: string, body?: unknown): Promise<T> => {
      const response = await request(`${options.baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
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
      // Qdrant wraps answers in `result`, all but the root's version answer.
      if (typeof data === 'object' && data !== null && 'result' in data) return data.result as T;
      return data as T;
    },
    close: async () => {
      await owned?.close();
    },
  };
}
