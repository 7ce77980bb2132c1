import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Embedder } from '../ports/embedder.js';

/** A running {@link startOpenAiEmbeddingsServer}. */
export interface OpenAiEmbeddingsServer {
  /** e.g. `http://127.0.0.1:40123/v1`, what EMBEDDER_BASE_URL takes. */
  baseUrl: string;
  /** Requests answered so far, with the number of inputs of each. */
  readonly requests: {
    model: string;
    inputs: number;
    authorization?: string;
    traceparent?: string;
  }[];
  /**
   * Makes the next `count` requests answer with `status` (or the given body), to see how a
   * client takes a failing server.
   */
  failNext(count: number, answer: { status: number; body?: unknown }): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * A real HTTP server on 127.0.0.1 (a free port) speaking OpenAI's `POST /v1/embeddings`
 * (`{model, input: string | string[]}` in, `{object: 'list', data: [{index, embedding}], model,
 * usage}` out), embedding with `embedder`: tests and benches run the `openai` adapter against
 * it with a real model behind, the way it runs against Ollama, vLLM or TEI.
 */
export async function startOpenAiEmbeddingsServer(
  embedder: Embedder,
  options: { model: string },
): Promise<OpenAiEmbeddingsServer> {
  const requests: OpenAiEmbeddingsServer['requests'] = [];
  const failures: { status: number; body?: unknown }[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
        send(res, 404, { error: { message: 'not found', type: 'invalid_request_error' } });
        return;
      }
      let body: { model?: unknown; input?: unknown };
      try {
        body = JSON.parse(await readBody(req)) as typeof body;
      } catch {
        send(res, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
        return;
      }
      const input = typeof body.input === 'string' ? [body.input] : body.input;
      if (!Array.isArray(input) || !input.every((t) => typeof t === 'string')) {
        send(res, 400, {
          error: { message: 'input: expected strings', type: 'invalid_request_error' },
        });
        return;
      }
      if (body.model !== options.model) {
        send(res, 404, { error: { message: `model ${String(body.model)} not found` } });
        return;
      }
      requests.push({
        model: body.model,
        inputs: input.length,
        ...(req.headers.authorization === undefined
          ? {}
          : { authorization: req.headers.authorization }),
        ...(typeof req.headers.traceparent === 'string'
          ? { traceparent: req.headers.traceparent }
          : {}),
      });
      const failure = failures.shift();
      if (failure !== undefined) {
        send(res, failure.status, failure.body ?? { error: { message: 'failing as asked' } });
        return;
      }
      const vectors = await embedder.embed(input as string[]);
      send(res, 200, {
        object: 'list',
        model: options.model,
        data: vectors.map((v, index) => ({ object: 'embedding', index, embedding: [...v] })),
        usage: { prompt_tokens: 0, total_tokens: 0 },
      });
    })().catch((err: unknown) => {
      send(res, 500, { error: { message: err instanceof Error ? err.message : String(err) } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    failNext(count, answer) {
      for (let i = 0; i < count; i += 1) failures.push(answer);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err === undefined ? resolve() : reject(err)));
      }),
  };
}
