import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import express, { type ErrorRequestHandler, type Express } from 'express';
import { pinoHttp } from 'pino-http';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

import type { Logger } from '../logger.js';
import { degradedDependencies } from '../resilience/circuit-breaker.js';
import { traceRequests } from '../telemetry/http.js';

/** Header carrying the request id from the edge to every subgraph. */
export const REQUEST_ID_HEADER = 'x-request-id';

const REQUEST_ID_PATTERN = /^[\w.:-]{1,128}$/;

/** A client-sent id is kept only when it is short and plain, so logs cannot be forged. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  return value !== undefined && REQUEST_ID_PATTERN.test(value) ? value : randomUUID();
}

/** The id pino-http gave this request (falls back to the header or a new one). */
export function currentRequestId(req: IncomingMessage): string {
  const id = (req as IncomingMessage & { id?: unknown }).id;
  return typeof id === 'string' && id !== '' ? id : requestIdOf(req);
}

/** Options of {@link createServiceApp}. */
export interface ServiceAppOptions {
  /** Service name, a label on every metric. */
  name: string;
  logger: Logger;
  /** Answers `/readyz`; the process is live as long as it serves `/healthz`. */
  isReady?: () => boolean | Promise<boolean>;
}

export interface ServiceApp {
  app: Express;
  registry: Registry;
}

/**
 * An Express app with what every Tailor server has: a trace span per request (when tracing is
 * on), request ids, request logs, `/healthz`,
 * `/readyz` and Prometheus `/metrics` on a registry of its own (several services can share one
 * process in the embedded mesh without their metrics colliding).
 */
export function createServiceApp(options: ServiceAppOptions): ServiceApp {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.name });
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route and status code.',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route.',
    labelNames: ['route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  const app = express();
  app.disable('x-powered-by');
  // First, so the request's span is current for everything after it, its log line included.
  app.use(traceRequests(options.name));
  app.use(
    pinoHttp({
      logger: options.logger,
      genReqId: (req, res) => {
        const id = requestIdOf(req);
        res.setHeader(REQUEST_ID_HEADER, id);
        return id;
      },
      customLogLevel: (_req, res, err) =>
        // A 503 with Retry-After is a deliberate refusal (overload), not a failure to serve.
        err === undefined && res.statusCode === 503 && res.hasHeader('retry-after')
          ? 'warn'
          : err !== undefined || res.statusCode >= 500
            ? 'error'
            : res.statusCode >= 400
              ? 'warn'
              : 'debug',
      autoLogging: {
        ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics',
      },
    }),
  );
  const abandoned = new Counter({
    name: 'http_requests_abandoned_total',
    help: 'HTTP requests whose caller disconnected before the response was complete, by route.',
    labelNames: ['route'] as const,
    registers: [registry],
  });
  app.use((req, res, next) => {
    const stop = duration.startTimer();
    res.on('finish', () => {
      const route = req.route?.path ?? req.path.split('/').slice(0, 3).join('/');
      requests.inc({ route, status: String(res.statusCode) });
      stop({ route });
    });
    res.on('close', () => {
      // By now a mounted router may have rewritten req.url; the original keeps the path.
      const path = req.originalUrl.split('?')[0] ?? '';
      if (!res.writableFinished) abandoned.inc({ route: path.split('/').slice(0, 3).join('/') });
    });
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = options.isReady === undefined ? true : await options.isReady();
    if (!ready) {
      res.status(503).json({ status: 'starting' });
      return;
    }
    // Degraded still takes traffic: it answers with fallbacks rather than not at all, and
    // every replica would be degraded alike. Liveness (/healthz) is not touched by it.
    const degraded = degradedDependencies();
    res
      .status(200)
      .json(degraded.length === 0 ? { status: 'ready' } : { status: 'degraded', degraded });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return { app, registry };
}

/** A client's mistake in the request body as body-parser reports it. */
export interface BodyReadRefusal {
  status: number;
  code: 'PAYLOAD_TOO_LARGE' | 'BAD_REQUEST';
  message: string;
  /** The byte limit, for PAYLOAD_TOO_LARGE. */
  limitBytes?: number;
}

/** What body-parser's error means for the client, or undefined when it is not the client's fault. */
export function bodyReadRefusal(err: unknown): BodyReadRefusal | undefined {
  const e = err as { type?: string; status?: number; limit?: number; message?: string };
  if (e.type === 'entity.too.large') {
    return {
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      message: `Request body exceeds the limit of ${e.limit} bytes.`,
      ...(e.limit === undefined ? {} : { limitBytes: e.limit }),
    };
  }
  if (
    e.type === 'entity.parse.failed' ||
    e.type === 'encoding.unsupported' ||
    e.type === 'charset.unsupported'
  ) {
    return {
      status: 400,
      code: 'BAD_REQUEST',
      message: `Request body is not valid JSON: ${e.message}`,
    };
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return { status: e.status, code: 'BAD_REQUEST', message: e.message ?? 'Bad request.' };
  }
  return undefined;
}

/**
 * Turns body-parser failures into JSON 4xx answers that say what was wrong, instead of an HTML
 * page or a 500. Mount it after the routes.
 */
export const jsonErrorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  const refusal = bodyReadRefusal(err);
  if (refusal !== undefined) {
    res.status(refusal.status).json({ error: { code: refusal.code, message: refusal.message } });
    return;
  }
  req.log.error({ err }, 'unhandled request error');
  res
    .status(500)
    .json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error.' } });
};

export interface ListeningServer {
  server: Server;
  /** The port actually bound (useful when 0 asked for a free one). */
  port: number;
  /** Stops accepting, waits for requests in flight, then resolves. */
  close(): Promise<void>;
}

/** Listens on `host:port`; port 0 picks a free one. */
export async function listen(
  app: Express | RequestListener,
  host: string,
  port: number,
): Promise<ListeningServer> {
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    server,
    port: bound,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err === undefined ? resolve() : reject(err)));
        server.closeIdleConnections();
      }),
  };
}
