import type { IncomingMessage, ServerResponse } from 'node:http';

import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  Counter,
  DEADLINE_EXCEEDED,
  DEADLINE_HEADER,
  Gauge,
  type Logger,
  type Registry,
  requestSignal,
  RequestStopped,
  stoppedError,
} from '@tailor/kit';
import type { Request, RequestHandler, Response } from 'express';

import { viewerOfResponse } from '../auth/index.js';
import type { GatewayOverloadSettings } from '../config.js';
import { remainingMs } from '../engines/subgraph-headers.js';
import { Admission } from './admission.js';

/** The code of a request the gateway refused because it is at its limit. */
export const OVERLOADED = 'OVERLOADED';

/** Header a client sends to ask for a shorter budget than GATEWAY_REQUEST_TIMEOUT_MS. */
export const CLIENT_TIMEOUT_HEADER = 'x-tailor-timeout-ms';

/** The admission classes: service tokens get a share of their own. */
type AdmissionClass = 'default' | 'service';

/** What the admission step leaves for the GraphQL context. */
interface Admitted {
  signal: AbortSignal;
  /** `performance.now()` time past which the request's answer is no longer wanted. */
  deadlineAt: number;
}

function admittedOf(res: Response): Admitted {
  const admitted = (res.locals as { admitted?: Admitted }).admitted;
  if (admitted === undefined) throw new Error('no deadline: the admission middleware did not run');
  return admitted;
}

/** The client's own budget, capped at the gateway's; a malformed header is the client's mistake. */
function budgetOf(req: Request, maxMs: number): number | Error {
  const given = req.headers[CLIENT_TIMEOUT_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  if (value === undefined) return maxMs;
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) {
    return new Error(
      `Header ${CLIENT_TIMEOUT_HEADER} must be a whole number of milliseconds, at least 1.`,
    );
  }
  return Math.min(Number(value), maxMs);
}

function sendGraphQLError(
  res: Response,
  status: number,
  message: string,
  extensions: Record<string, unknown>,
): void {
  res.status(status).json({ errors: [{ message, extensions }] });
}

/** The gateway's overload handling: admission, deadlines and cancellation of abandoned work. */
export interface GatewayOverload {
  /** Mount on `/graphql` after authentication and before the body is read. */
  admit: RequestHandler;
  /**
   * Runs before Express: refuses a `/graphql` request without credentials while the default
   * class is full, at the cost of a few header writes. Under a flood of retries most requests
   * are refusals; through the whole middleware stack (request logs, metrics, auth) they would
   * take the CPU the admitted requests need. True when it answered.
   */
  shedEarly(req: IncomingMessage, res: ServerResponse): boolean;
  /** The request's signal and deadline, for the GraphQL context. */
  contextOf(res: Response): Admitted;
  /** Answers 504 `DEADLINE_EXCEEDED` when the deadline cut the request short. */
  plugin: ApolloServerPlugin<{ signal: AbortSignal }>;
  /** Subgraph calls stop when their request's signal fires. */
  calls: SubgraphCalls;
}

/**
 * Admission control (an adaptive concurrency limit and a short queue per class, then an
 * immediate 503 with `Retry-After` and code `OVERLOADED`), a deadline per request and a signal
 * that fires at it or when the client disconnects. Only `/graphql` passes through here, so
 * `/healthz`, `/readyz` and `/metrics` are never refused.
 */
export function gatewayOverload(
  settings: GatewayOverloadSettings,
  registry: Registry,
  logger: Logger,
): GatewayOverload {
  if (settings.GATEWAY_CONCURRENCY_MAX < settings.GATEWAY_CONCURRENCY_MIN) {
    throw new Error('GATEWAY_CONCURRENCY_MAX must be at least GATEWAY_CONCURRENCY_MIN');
  }
  const options = {
    floor: settings.GATEWAY_CONCURRENCY_MIN,
    ceiling: settings.GATEWAY_CONCURRENCY_MAX,
    latencyTargetMs: settings.GATEWAY_LATENCY_TARGET_MS,
    backoffRatio: 0.9,
    queueMax: settings.GATEWAY_QUEUE_MAX,
    queueTimeoutMs: settings.GATEWAY_QUEUE_TIMEOUT_MS,
  };
  const classes: Record<AdmissionClass, Admission> = {
    default: new Admission(options),
    service: new Admission(options),
  };
  const gauge = (name: string, help: string, read: (admission: Admission) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['class'] as const,
      registers: [registry],
      collect() {
        for (const [name, admission] of Object.entries(classes)) {
          this.set({ class: name }, read(admission));
        }
      },
    });
  };
  gauge(
    'gateway_concurrency_limit',
    'Requests the gateway runs at once now (adaptive, GATEWAY_CONCURRENCY_MIN..MAX).',
    (a) => a.limit,
  );
  gauge('gateway_inflight_requests', 'GraphQL requests running now.', (a) => a.inflight);
  gauge('gateway_queued_requests', 'GraphQL requests waiting for a slot.', (a) => a.queued);
  const shed = new Counter({
    name: 'gateway_shed_requests_total',
    help: 'GraphQL requests refused with 503 OVERLOADED, by why (queue_full, queue_wait, queue_timeout).',
    labelNames: ['class', 'reason'] as const,
    registers: [registry],
  });
  const log = logger.child({ component: 'admission' });
  const retryAfter = String(settings.GATEWAY_RETRY_AFTER_SECONDS);
  const refusalMessage = `The service is at capacity; retry after ${retryAfter} s.`;
  const refusalExtensions = {
    code: OVERLOADED,
    retryAfterSeconds: settings.GATEWAY_RETRY_AFTER_SECONDS,
  };
  const refusalBody = JSON.stringify({
    errors: [{ message: refusalMessage, extensions: refusalExtensions }],
  });

  const shedEarly = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'POST' || req.headers.authorization !== undefined) return false;
    if (!(req.url === '/graphql' || req.url?.startsWith('/graphql?') === true)) return false;
    const reason = classes.default.refusing;
    if (reason === undefined) return false;
    shed.inc({ class: 'default', reason });
    res.writeHead(503, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(refusalBody),
      'retry-after': retryAfter,
    });
    res.end(refusalBody);
    return true;
  };

  const admit: RequestHandler = (req, res, next) => {
    const budgetMs = budgetOf(req, settings.GATEWAY_REQUEST_TIMEOUT_MS);
    if (budgetMs instanceof Error) {
      sendGraphQLError(res, 400, budgetMs.message, {
        code: 'BAD_REQUEST',
        field: CLIENT_TIMEOUT_HEADER,
      });
      return;
    }
    const deadlineAt = performance.now() + budgetMs;
    const signal = requestSignal(res, budgetMs);
    const kind: AdmissionClass = viewerOfResponse(res).kind === 'service' ? 'service' : 'default';
    const decide = (result: Awaited<ReturnType<Admission['acquire']>>): void => {
      if (result.admitted) {
        res.once('close', () => result.permit.release());
        (res.locals as { admitted?: Admitted }).admitted = { signal, deadlineAt };
        next();
        return;
      }
      // The client left while it waited: there is nobody to answer.
      if (result.reason === 'abandoned') return;
      shed.inc({ class: kind, reason: result.reason });
      log.debug({ class: kind, reason: result.reason }, 'request shed');
      res.setHeader('retry-after', retryAfter);
      sendGraphQLError(res, 503, `The service is at capacity; retry after ${retryAfter} s.`, {
        code: OVERLOADED,
        retryAfterSeconds: settings.GATEWAY_RETRY_AFTER_SECONDS,
      });
    };
    const result = classes[kind].acquire(signal);
    if (result instanceof Promise) void result.then(decide, next);
    else decide(result);
  };

  const plugin: ApolloServerPlugin<{ signal: AbortSignal }> = {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const reason: unknown = contextValue.signal.reason;
          if (reason instanceof RequestStopped && reason.code === DEADLINE_EXCEEDED) {
            response.http.status = 504;
          }
        },
      };
    },
  };

  return { admit, shedEarly, contextOf: admittedOf, plugin, calls: new SubgraphCalls() };
}

/** Internal header joining a subgraph call to its request's signal; removed before sending. */
const CALL_HEADER = 'x-tailor-internal-call';

/**
 * Subgraph calls that stop with their request. Apollo Gateway builds each call's fetch options
 * itself and has no place for a signal, so the data source registers the request's signal here
 * and marks the call with a header; this fetcher takes both off before calling the subgraph.
 */
export class SubgraphCalls {
  #next = 0;
  readonly #signals = new Map<string, { signal: AbortSignal; deadlineAt: number }>();

  /** The header that marks one call, and the deadline header the subgraph gets. */
  register(context: Admitted): Record<string, string> {
    const key = String((this.#next += 1));
    this.#signals.set(key, context);
    return { [CALL_HEADER]: key };
  }

  readonly fetcher: RemoteGraphQLDataSource['fetcher'] = async (url, given) => {
    // Apollo types the body as string | Buffer, which DOM's BodyInit (the Hive packages' typings
    // bring in the DOM library) no longer takes though fetch does.
    const init = given as Omit<RequestInit, 'headers'> & { headers?: Record<string, string> };
    const headers = { ...init?.headers };
    const key = headers[CALL_HEADER];
    delete headers[CALL_HEADER];
    const call = key === undefined ? undefined : this.#signals.get(key);
    if (key !== undefined) this.#signals.delete(key);
    if (call === undefined) return fetch(url, { ...init, headers });
    if (call.signal.aborted) throw stoppedError(call.signal);
    // What is left when the call leaves, so the subgraph stops when the gateway would.
    headers[DEADLINE_HEADER] = remainingMs(call.deadlineAt);
    try {
      return await fetch(url, { ...init, headers, signal: call.signal });
    } catch (err) {
      if (call.signal.aborted) throw stoppedError(call.signal);
      throw err;
    }
  };
}
