import { trace } from '@opentelemetry/api';
import { type Logger, pino } from 'pino';

import { tracingActive } from './telemetry/tracing.js';

export type { Logger } from 'pino';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Process or service name, logged as `service` on every line. */
  name: string;
  level?: string;
  /** Where lines go; stdout unless a test wants them elsewhere. */
  destination?: pino.DestinationStream;
}

/**
 * One root logger per process; components take `logger.child({ component })`. Secrets and
 * personal data are redacted by path so a careless `log.info({ req })` cannot leak them.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      base: { service: options.name },
      mixin: traceFields,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-tailor-gateway-secret"]',
          '*.password',
          '*.apiKey',
          '*.token',
        ],
        censor: '[redacted]',
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

/**
 * `trace_id` and `span_id` of the span current when a line is written, so a line found in the
 * logs leads to its trace and a span to its lines. Nothing when tracing is off. A new object on
 * every call: pino merges the line's own fields into what the mixin returns, so a shared one
 * would carry one line's fields into the next (and a frozen one throws).
 */
function traceFields(): object {
  if (!tracingActive()) return {};
  const current = trace.getActiveSpan()?.spanContext();
  return current === undefined || !trace.isSpanContextValid(current)
    ? {}
    : { trace_id: current.traceId, span_id: current.spanId };
}

/** A logger that drops everything, for tests that assert behaviour rather than log lines. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
