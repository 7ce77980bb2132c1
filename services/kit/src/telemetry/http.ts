import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import type { Request, RequestHandler } from 'express';

import { ATTR_TAILOR_SERVICE } from './semconv.js';
import { contextOfHeaders, tracerOf } from './spans.js';
import { tracingActive } from './tracing.js';

/** Probes and scrapes: every few seconds each, and nothing anyone wants in a trace. */
const UNTRACED_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/** The route template that matched (`/graphql`, `/v1/events`), never the raw URL with its ids. */
function routeOf(req: Request): string | undefined {
  const path: unknown = req.route?.path;
  if (typeof path === 'string') return `${req.baseUrl}${path}`;
  return req.baseUrl === '' ? undefined : req.baseUrl;
}

/**
 * An HTTP server span per request (`POST /graphql`, kind SERVER, the stable HTTP semantic
 * conventions), continuing the caller's trace from its `traceparent` header and current for
 * everything the request does, so spans of resolvers, store calls and publishes are its
 * children. `service` goes on the span as `tailor.service`: in the one-process mesh every
 * subgraph shares one `service.name`, and this tells them apart. Mount it first. With tracing
 * off it only calls `next`.
 */
export function traceRequests(service: string): RequestHandler {
  return (req, res, next) => {
    if (!tracingActive() || UNTRACED_PATHS.has(req.path)) {
      next();
      return;
    }
    const method = req.method;
    const span = tracerOf().startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_TAILOR_SERVICE]: service,
          [ATTR_HTTP_REQUEST_METHOD]: method,
          [ATTR_URL_PATH]: req.path,
          [ATTR_URL_SCHEME]: req.protocol,
          [ATTR_NETWORK_PROTOCOL_VERSION]: req.httpVersion,
          ...(req.socket.localPort === undefined
            ? {}
            : { [ATTR_SERVER_PORT]: req.socket.localPort }),
          ...(req.socket.remoteAddress === undefined
            ? {}
            : { [ATTR_CLIENT_ADDRESS]: req.socket.remoteAddress }),
          ...(req.headers['user-agent'] === undefined
            ? {}
            : { [ATTR_USER_AGENT_ORIGINAL]: req.headers['user-agent'] }),
        },
      },
      contextOfHeaders(req.headers),
    );
    const current = trace.setSpan(context.active(), span);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = routeOf(req);
      if (route !== undefined) {
        span.setAttribute(ATTR_HTTP_ROUTE, route);
        span.updateName(`${method} ${route}`);
      }
      if (res.writableFinished) {
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      } else {
        // The caller went away before the answer was complete.
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'client disconnected' });
      }
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    // The body arrives in stream events that the socket, not this middleware, started: bound,
    // their listeners (the body parser's, then every later handler) run in the request's span.
    context.bind(current, req);
    context.bind(current, res);
    context.with(current, next);
  };
}
