import type { IncomingMessage, ServerResponse } from 'node:http';

import {
  carriesGatewaySecret,
  currentRequestId,
  DEPENDENCY_RETRY_AFTER_SECONDS,
  GATEWAY_SECRET_HEADER,
  type Logger,
  type SubgraphOptions,
} from '@tailor/kit';

import { IngestBackloggedError } from '../backpressure.js';
import { eventsOfBody } from '../domain/batch.js';
import { eventFromJson } from '../domain/event-input.js';
import {
  BatchTooLargeError,
  type EventIntakeService,
  EventsUnavailableError,
  type RecordedEvents,
} from '../event-intake.service.js';
import { corsHeaders } from './cors.js';
import { readBodyText } from './read-body.js';

/** Path of the REST door. */
export const EVENTS_ROUTE = '/v1/events';

/** The Express app startSubgraph hands to its `routes` option. */
type App = Parameters<NonNullable<SubgraphOptions['routes']>>[0];

/** Options of {@link mountEventsRoute}. */
export interface EventsRouteOptions {
  intake: EventIntakeService;
  logger: Logger;
  /** Origins allowed across origins, `*` for any; see `EVENTS_CORS_ORIGINS`. */
  corsOrigins: readonly string[];
  /**
   * `GATEWAY_SHARED_SECRET`. Set: only callers sending it in {@link GATEWAY_SECRET_HEADER}
   * (trusted back-end producers) may post, for any user. Unset: anyone may (embedded mesh).
   */
  gatewaySecret?: string | undefined;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, { error: { code, message } });
}

/** 202 when every event was accepted, 207 when some were, 400 when none. */
function statusOf(recorded: RecordedEvents): number {
  if (recorded.errors.length === 0) return 202;
  return recorded.accepted > 0 ? 207 : 400;
}

/**
 * Mounts `POST /v1/events` (and its CORS preflight). It reads its own body, JSON or text (what
 * `navigator.sendBeacon` sends), so the limits and answers are this service's, not a parser's.
 */
export function mountEventsRoute(app: App, options: EventsRouteOptions): void {
  const log = options.logger.child({ component: 'events-route' });
  const { intake } = options;

  app.options(EVENTS_ROUTE, (req: IncomingMessage, res: ServerResponse) => {
    const headers = corsHeaders(req.headers.origin, options.corsOrigins, true);
    res.writeHead(204, headers).end();
  });

  app.post(EVENTS_ROUTE, async (req: IncomingMessage, res: ServerResponse) => {
    const cors = corsHeaders(req.headers.origin, options.corsOrigins, false);
    for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
    if (options.gatewaySecret !== undefined && !carriesGatewaySecret(req, options.gatewaySecret)) {
      sendError(
        res,
        401,
        'UNAUTHENTICATED',
        `Posting events needs the ${GATEWAY_SECRET_HEADER} header; clients with a token use ` +
          'the recordEvents mutation through the gateway.',
      );
      return;
    }
    const body = await readBodyText(req, intake.limits.maxBodyBytes);
    if (!body.ok) {
      sendError(res, body.status, body.code, body.message);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(body.text);
    } catch (err) {
      sendError(
        res,
        400,
        'BAD_REQUEST',
        `Request body is not valid JSON: ${(err as Error).message}`,
      );
      return;
    }
    const shape = eventsOfBody(json);
    if (!shape.ok) {
      sendError(res, 400, 'BAD_REQUEST', shape.message);
      return;
    }
    try {
      const recorded = await intake.record(shape.events, eventFromJson, {
        requestId: currentRequestId(req),
      });
      send(res, statusOf(recorded), recorded);
    } catch (err) {
      if (err instanceof BatchTooLargeError) {
        sendError(res, 413, 'BATCH_TOO_LARGE', err.message);
      } else if (err instanceof IngestBackloggedError) {
        // 429: this producer (and every other) should slow down; the service itself is fine.
        res.setHeader('retry-after', String(err.retryAfterSeconds));
        send(res, 429, {
          error: {
            code: 'OVERLOADED',
            message: err.message,
            retryAfterSeconds: err.retryAfterSeconds,
          },
        });
      } else if (err instanceof EventsUnavailableError) {
        res.setHeader('retry-after', String(DEPENDENCY_RETRY_AFTER_SECONDS));
        sendError(res, 503, 'SERVICE_UNAVAILABLE', err.message);
      } else {
        log.error({ err, requestId: currentRequestId(req) }, 'recording events failed');
        sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error.');
      }
    }
  });
}
