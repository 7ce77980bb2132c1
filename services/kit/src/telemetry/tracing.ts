import {
  context,
  diag,
  type DiagLogger,
  DiagLogLevel,
  propagation,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

import type { Logger } from '../logger.js';

/** The `OTEL_*` settings {@link startTracing} reads (see `tracingEnvShape` in config.ts). */
export interface TracingSettings {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string | undefined;
  OTEL_SERVICE_NAME?: string | undefined;
  OTEL_SDK_DISABLED?: boolean | undefined;
  OTEL_TRACES_SAMPLER_ARG?: number | undefined;
}

/** Options of {@link startTracing}. */
export interface StartTracingOptions {
  /** `service.name` when `OTEL_SERVICE_NAME` is unset: the process's own name. */
  serviceName: string;
  settings: TracingSettings;
  logger: Logger;
  /**
   * Where spans go instead of OTLP; tests pass an in-memory exporter. Given, tracing is on
   * whatever the endpoint settings say.
   */
  exporter?: SpanExporter;
  /** Longest wait between a span's end and its export. Default 2000 ms. */
  exportDelayMs?: number;
}

/** Tracing as {@link startTracing} left it. */
export interface Tracing {
  /** False: nothing was registered and every span call in the process is a no-op. */
  readonly enabled: boolean;
  /** Where spans are posted, when they go over OTLP. */
  readonly tracesUrl: string | undefined;
  /** Exports every ended span now; resolves even when the collector does not answer. */
  flush(): Promise<void>;
  /** Exports what is left and unregisters, bounded by {@link TRACING_SHUTDOWN_TIMEOUT_MS}. */
  shutdown(): Promise<void>;
}

/** Longest a shutdown waits on the collector: a dead one must not hold the process up. */
export const TRACING_SHUTDOWN_TIMEOUT_MS = 3_000;
/** Longest one export may take before it is given up (and its spans dropped). */
const EXPORT_TIMEOUT_MS = 5_000;
/** Spans kept waiting for export; past it new ones are dropped, never memory without bound. */
const MAX_QUEUED_SPANS = 4_096;
/** A collector that is down fails every export: one log line per this long is plenty. */
const DIAG_LOG_INTERVAL_MS = 60_000;

const OFF: Tracing = {
  enabled: false,
  tracesUrl: undefined,
  flush: async () => undefined,
  shutdown: async () => undefined,
};

let active = false;

/**
 * True while {@link startTracing} has a provider registered. Instrumentation checks it first,
 * so with tracing off a request, a publish or a store call does no tracing work at all.
 */
export function tracingActive(): boolean {
  return active;
}

/**
 * The OTLP/HTTP traces URL the settings name: the traces endpoint as given, else the base
 * endpoint with `/v1/traces` appended, as the OpenTelemetry specification says.
 */
export function otlpTracesUrl(settings: TracingSettings): string | undefined {
  if (settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined) {
    return settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  }
  const base = settings.OTEL_EXPORTER_OTLP_ENDPOINT;
  return base === undefined ? undefined : `${base.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * OpenTelemetry's own complaints (an export the collector refused or never answered) as warn
 * lines of the process's log, at most one per minute with a count of those held back: tracing
 * is never worth flooding the log, nor failing a request.
 */
function diagLogger(log: Logger): DiagLogger {
  let lastAt = -Infinity;
  let heldBack = 0;
  const write = (message: string, ...args: unknown[]) => {
    const now = Date.now();
    if (now - lastAt < DIAG_LOG_INTERVAL_MS) {
      heldBack += 1;
      return;
    }
    lastAt = now;
    const err = args.find((arg) => arg instanceof Error);
    log.warn({ ...(err === undefined ? {} : { err }), heldBack }, `tracing: ${message}`);
    heldBack = 0;
  };
  const ignore = () => undefined;
  return { error: write, warn: write, info: ignore, debug: ignore, verbose: ignore };
}

/**
 * Turns tracing on for this process when an OTLP endpoint is set (or an exporter given), and
 * leaves everything off otherwise. On: W3C `traceparent` propagation, the async-local context
 * that carries the current span across awaits, parent-based ratio sampling, and a batching
 * exporter that posts OTLP/HTTP JSON off the request path, so a collector that is down or slow
 * costs dropped spans and a log line, never a failed or slower request. Call once per process,
 * at its start, before its servers and consumers.
 */
export function startTracing(options: StartTracingOptions): Tracing {
  const { settings } = options;
  const tracesUrl = otlpTracesUrl(settings);
  if (settings.OTEL_SDK_DISABLED === true && options.exporter === undefined) return OFF;
  if (tracesUrl === undefined && options.exporter === undefined) return OFF;
  if (active) throw new Error('tracing is already started in this process');

  const log = options.logger.child({ component: 'tracing' });
  diag.setLogger(diagLogger(log), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  const exporter =
    options.exporter ??
    new OTLPTraceExporter({ url: tracesUrl ?? '', timeoutMillis: EXPORT_TIMEOUT_MS });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: settings.OTEL_SERVICE_NAME ?? options.serviceName,
    }),
    sampler: new ParentBasedSampler({
      root: new TraceIdRatioBasedSampler(settings.OTEL_TRACES_SAMPLER_ARG ?? 1),
    }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter,
        scheduledDelayMillis: options.exportDelayMs ?? 2_000,
        exportTimeoutMillis: EXPORT_TIMEOUT_MS,
        maxQueueSize: MAX_QUEUED_SPANS,
      }),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  active = true;
  log.info(
    {
      serviceName: settings.OTEL_SERVICE_NAME ?? options.serviceName,
      ...(tracesUrl === undefined || options.exporter !== undefined ? {} : { tracesUrl }),
      sampleRatio: settings.OTEL_TRACES_SAMPLER_ARG ?? 1,
    },
    'tracing on',
  );

  let stopped: Promise<void> | undefined;
  const bounded = (work: Promise<void>) =>
    Promise.race([
      work.catch((err: unknown) => log.warn({ err }, 'tracing: export at shutdown failed')),
      new Promise<void>((resolve) => setTimeout(resolve, TRACING_SHUTDOWN_TIMEOUT_MS).unref()),
    ]);
  return {
    enabled: true,
    tracesUrl: options.exporter === undefined ? tracesUrl : undefined,
    flush: () =>
      provider
        .forceFlush({ timeoutMillis: EXPORT_TIMEOUT_MS })
        .catch((err: unknown) => log.warn({ err }, 'tracing: flush failed')),
    shutdown: () => {
      stopped ??= bounded(provider.shutdown()).finally(() => {
        active = false;
        trace.disable();
        propagation.disable();
        context.disable();
        diag.disable();
      });
      return stopped;
    },
  };
}
