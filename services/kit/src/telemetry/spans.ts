import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';

import { tracingActive } from './tracing.js';

export { type Attributes, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';

/** Header names W3C Trace Context puts on an HTTP request or a bus message. */
export const TRACEPARENT_HEADER = 'traceparent';
export const TRACESTATE_HEADER = 'tracestate';

/** The instrumentation scope of the kit's own spans (HTTP server, bus, store). */
export const KIT_TRACER = '@tailor/kit';

/**
 * The tracer of a Tailor package (`@tailor/kit`, `@tailor/generation`, …). Ask for it where a
 * span starts rather than keeping it: a kept tracer stays bound to the provider it first met,
 * and a test process registers a fresh provider per test.
 */
export function tracerOf(name: string = KIT_TRACER): Tracer {
  return trace.getTracer(name);
}

/** Marks `span` failed with `err`: the exception event, the error status and `error.type`. */
export function recordFailure(span: Span, err: unknown): void {
  if (err instanceof Error) span.recordException(err);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: err instanceof Error ? err.message.slice(0, 200) : String(err).slice(0, 200),
  });
  span.setAttribute(ATTR_ERROR_TYPE, err instanceof Error ? err.name : 'Error');
}

/** Options of {@link withSpan}. */
export interface WithSpanOptions {
  /** The instrumentation scope: the package whose code the span is about. Default the kit's. */
  tracer?: string;
  kind?: SpanKind;
  attributes?: Attributes;
  /**
   * Only when a trace is already under way: a call from a timer or a startup step then makes no
   * span of its own, so traces stay about requests and events instead of housekeeping.
   */
  onlyInTrace?: boolean;
}

/**
 * Runs `work` inside a new span made current for everything it awaits, ends the span when the
 * work settles and marks it failed if the work throws. With tracing off it simply runs `work`.
 */
export async function withSpan<T>(
  name: string,
  options: WithSpanOptions,
  work: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!tracingActive()) return work(undefined);
  if (options.onlyInTrace === true && trace.getActiveSpan() === undefined) return work(undefined);
  return tracerOf(options.tracer).startActiveSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes === undefined ? {} : { attributes: options.attributes }),
    },
    async (span) => {
      try {
        return await work(span);
      } catch (err) {
        recordFailure(span, err);
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * The W3C headers (`traceparent`, and `tracestate` when there is one) that continue the current
 * trace in another process; empty when tracing is off or no trace is under way.
 */
export function traceHeaders(from: Context = context.active()): Record<string, string> {
  const headers: Record<string, string> = {};
  if (tracingActive()) propagation.inject(from, headers);
  return headers;
}

/** The context a request's or a message's W3C headers carry (the root context when none). */
export function contextOfHeaders(headers: Record<string, string | string[] | undefined>): Context {
  return tracingActive() ? propagation.extract(ROOT_CONTEXT, headers) : ROOT_CONTEXT;
}

/** The span context `headers` carry, when they carry a valid one. */
export function spanContextOfHeaders(
  headers: Record<string, string | string[] | undefined>,
): SpanContext | undefined {
  const found = trace.getSpanContext(contextOfHeaders(headers));
  return found !== undefined && trace.isSpanContextValid(found) ? found : undefined;
}

/** `server.address` and `server.port` of a client span calling `url`. */
export function serverAttributesOf(url: string | URL): Attributes {
  const target = new URL(url);
  const port = target.port === '' ? (target.protocol === 'https:' ? 443 : 80) : Number(target.port);
  return { [ATTR_SERVER_ADDRESS]: target.hostname, [ATTR_SERVER_PORT]: port };
}
