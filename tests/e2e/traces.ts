import assert from 'node:assert/strict';

import { SpanKind, traceHeaders, withSpan } from '@tailor/kit';

/**
 * Runs `work` the way an instrumented frontend would: inside a client span whose `traceparent`
 * goes with the request, so a tracing test knows which trace to look at.
 */
export function traced<T>(
  name: string,
  work: (headers: Record<string, string>) => Promise<T>,
): Promise<{ traceId: string; result: T }> {
  return withSpan(name, { kind: SpanKind.CLIENT, tracer: 'tailor-e2e' }, async (span) => {
    assert.ok(span !== undefined, 'tracing is on in this test');
    return { traceId: span.spanContext().traceId, result: await work(traceHeaders()) };
  });
}
