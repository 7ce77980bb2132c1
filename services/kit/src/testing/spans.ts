import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';

import { silentLogger } from '../logger.js';
import { startTracing, type Tracing } from '../telemetry/tracing.js';
import { waitFor } from './wait-for.js';

export type { ReadableSpan } from '@opentelemetry/sdk-trace';

/** Spans this process records in memory, for tests that check a trace's tree. */
export interface RecordedSpans {
  tracing: Tracing;
  /** Every span ended so far, once those still queued for export are flushed. */
  spans(): Promise<ReadableSpan[]>;
  /**
   * The spans once `complete` holds for them. A server span ends when its answer has been
   * handed to the socket, which can be just after the client has read it: wait, never sleep.
   */
  spansWhen(
    complete: (spans: ReadableSpan[]) => boolean,
    description: string,
  ): Promise<ReadableSpan[]>;
  /** Unregisters tracing, so the next test starts without it. */
  stop(): Promise<void>;
}

/**
 * Turns tracing on for this process with an in-memory exporter (the real provider, sampler,
 * propagator and batching processor, only the destination differs).
 */
export function recordSpans(serviceName = 'test'): RecordedSpans {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({
    serviceName,
    settings: {},
    logger: silentLogger(),
    exporter,
  });
  const spans = async () => {
    await tracing.flush();
    return exporter.getFinishedSpans();
  };
  return {
    tracing,
    spans,
    spansWhen: (complete, description) =>
      waitFor(
        async () => {
          const ended = await spans();
          return complete(ended) ? ended : undefined;
        },
        { description },
      ),
    stop: () => tracing.shutdown(),
  };
}

/** The span's parent span id, or undefined for a root. */
export function parentIdOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}
