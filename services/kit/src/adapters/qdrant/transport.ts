import http from 'node:http';
import https from 'node:https';

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
  /** Base URL of the REST API (`http:` or `https:`), without a trailing slash. */
  baseUrl: string;
  apiKey?: string;
  /** Deadline of one exchange, from sending the request to the answer's last byte. */
  requestTimeoutMs: number;
  /**
   * The keep-alive Agent requests go through (an `https.Agent` for an `https:` URL); the
   * transport owns (and destroys) one of its own when absent.
   */
  agent?: http.Agent;
}

export type QdrantMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** JSON requests to Qdrant's REST API, answering Qdrant's `result`. */
export interface QdrantTransport {
  send<T>(method: QdrantMethod, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** Most connections kept open to one Qdrant; concurrent calls beyond it wait for one. */
const MAX_SOCKETS = 32;

interface Answer {
  status: number;
  text: string;
}

/**
 * Every call to Qdrant, on Node's own `http` client over a keep-alive Agent, never on `fetch`
 * or undici. Measured on one Qdrant 1.19 (figures in the README's Qdrant section): every
 * `fetch` on Node 20 stalls ~40 ms on some answers of a few tens of kB, and undici's `request`,
 * which does not stall, still costs ~1.2 ms more than `http.request` on every call, a tiny one
 * included, which is most of what a recommendation spends on the wire. `node:http` is part of
 * Node itself, so no Node upgrade can pair it with a mismatched HTTP library (on Node 26 the
 * client's own undici mismatch fails every request).
 */
export function createQdrantTransport(options: QdrantTransportOptions): QdrantTransport {
  const base = new URL(options.baseUrl);
  const secure = base.protocol === 'https:';
  if (!secure && base.protocol !== 'http:') {
    throw new Error(`Qdrant URL must be http: or https:, got ${base.protocol}`);
  }
  const client = secure ? https : http;
  const owned =
    options.agent === undefined
      ? new client.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS })
      : undefined;
  const agent = options.agent ?? (owned as http.Agent);
  const prefix = options.baseUrl.slice(base.origin.length);
  const baseHeaders: Record<string, string> = { accept: 'application/json' };
  if (options.apiKey !== undefined) baseHeaders['api-key'] = options.apiKey;

  const exchange = (
    method: QdrantMethod,
    path: string,
    body: string | undefined,
    mayRetry = true,
  ): Promise<Answer> =>
    new Promise<Answer>((resolve, reject) => {
      let answered = false;
      const headers =
        body === undefined
          ? baseHeaders
          : {
              ...baseHeaders,
              'content-type': 'application/json',
              'content-length': String(Buffer.byteLength(body)),
            };
      const req = client.request(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          path: `${prefix}${path}`,
          method,
          headers,
          agent,
        },
        (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', fail);
          res.on('end', () => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      const timer = setTimeout(() => {
        req.destroy(
          Object.assign(new Error(`no answer within ${options.requestTimeoutMs} ms`), {
            code: 'ETIMEDOUT',
          }),
        );
      }, options.requestTimeoutMs);
      function fail(err: Error) {
        clearTimeout(timer);
        // A kept-alive connection the server closed as this request left it: the request never
        // reached Qdrant, so sending it once more on a fresh connection is safe.
        const code = (err as NodeJS.ErrnoException).code;
        if (
          mayRetry &&
          !answered &&
          req.reusedSocket &&
          (code === 'ECONNRESET' || code === 'EPIPE')
        ) {
          exchange(method, path, body, false).then(resolve, reject);
          return;
        }
        reject(err);
      }
      req.on('error', fail);
      req.end(body);
    });

  return {
    send: async <T>(method: QdrantMethod, path: string, body?: unknown): Promise<T> => {
      const answer = await exchange(
        method,
        path,
        body === undefined ? undefined : JSON.stringify(body),
      );
      let data: unknown;
      try {
        data = answer.text === '' ? undefined : JSON.parse(answer.text);
      } catch {
        data = answer.text;
      }
      if (answer.status < 200 || answer.status >= 300) {
        throw new QdrantHttpError(answer.status, data);
      }
      // Qdrant wraps answers in `result`, all but the root's version answer.
      if (typeof data === 'object' && data !== null && 'result' in data) return data.result as T;
      return data as T;
    },
    close: () => {
      owned?.destroy();
      return Promise.resolve();
    },
  };
}
