import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';

import { createLogger, silentLogger } from '../logger.js';
import { type RunningSubgraph, startSubgraph } from '../server/subgraph.js';
import { startOtlpReceiver } from '../testing/otlp-receiver.js';
import { parentIdOf, recordSpans } from '../testing/spans.js';
import { waitFor } from '../testing/wait-for.js';
import { SpanKind, traceHeaders, TRACEPARENT_HEADER, withSpan } from './spans.js';
import { otlpTracesUrl, startTracing, tracingActive } from './tracing.js';

/** A subgraph whose one field does traced work of its own, as a resolver calling a store would. */
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      hello: {
        type: GraphQLString,
        resolve: () => withSpan('resolve hello', {}, async () => 'world'),
      },
    },
  }),
});

async function ask(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ hello }' }),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown } };
}

/** A port nothing listens on: bound once to learn a free one, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('tracing', () => {
  let subgraph: RunningSubgraph;
  before(async () => {
    subgraph = await startSubgraph({
      name: 'traced',
      schema,
      logger: silentLogger(),
      host: '127.0.0.1',
      port: 0,
    });
  });
  after(async () => {
    await subgraph.close();
  });

  describe('when no OTLP endpoint is set', () => {
    it('registers nothing, sends no trace headers and serves requests as before', async () => {
      const tracing = startTracing({ serviceName: 'off', settings: {}, logger: silentLogger() });
      assert.equal(tracing.enabled, false);
      assert.equal(tracingActive(), false);
      const headers = await withSpan('unrecorded', {}, async () => traceHeaders());
      assert.deepEqual(headers, {});
      const answer = await ask(subgraph.url);
      assert.deepEqual(answer.body.data, { hello: 'world' });
      await tracing.shutdown();
    });

    it('stays off when OTEL_SDK_DISABLED is true, endpoint or not', async () => {
      const tracing = startTracing({
        serviceName: 'off',
        settings: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: true },
        logger: silentLogger(),
      });
      assert.equal(tracing.enabled, false);
      assert.equal(tracingActive(), false);
    });
  });

  describe('the traces URL', () => {
    it('appends /v1/traces to the base endpoint, and takes the traces endpoint as given', () => {
      assert.equal(
        otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }),
        'http://collector:4318/v1/traces',
      );
      assert.equal(
        otlpTracesUrl({
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://other:4318/custom',
        }),
        'http://other:4318/custom',
      );
      assert.equal(otlpTracesUrl({}), undefined);
    });
  });

  describe('when spans are recorded', () => {
    it('continues the caller’s trace over HTTP: client span → server span → resolver span', async () => {
      const recorded = recordSpans('http-test');
      try {
        const answer = await withSpan('call hello', { kind: SpanKind.CLIENT }, async () =>
          ask(subgraph.url, traceHeaders()),
        );
        assert.deepEqual(answer.body.data, { hello: 'world' });
        const spans = await recorded.spansWhen(
          (ended) => ended.some((s) => s.kind === SpanKind.SERVER),
          'the server span',
        );
        const client = spans.find((s) => s.name === 'call hello');
        const server = spans.find((s) => s.kind === SpanKind.SERVER);
        const resolver = spans.find((s) => s.name === 'resolve hello');
        assert.ok(client && server && resolver, `spans: ${spans.map((s) => s.name).join(', ')}`);
        assert.equal(server.name, 'POST /graphql');
        assert.equal(server.attributes['http.route'], '/graphql');
        assert.equal(server.attributes['http.response.status_code'], 200);
        assert.equal(server.spanContext().traceId, client.spanContext().traceId);
        assert.equal(parentIdOf(server), client.spanContext().spanId);
        // The body is read in stream events: the resolver still runs inside the request's span.
        assert.equal(resolver.spanContext().traceId, client.spanContext().traceId);
        assert.equal(parentIdOf(resolver), server.spanContext().spanId);
      } finally {
        await recorded.stop();
      }
    });

    it('puts a W3C traceparent naming the current span into outgoing headers', async () => {
      const recorded = recordSpans('headers-test');
      try {
        const { headers, traceId, spanId } = await withSpan('outer', {}, async (span) => ({
          headers: traceHeaders(),
          traceId: span?.spanContext().traceId,
          spanId: span?.spanContext().spanId,
        }));
        assert.equal(headers[TRACEPARENT_HEADER], `00-${traceId}-${spanId}-01`);
      } finally {
        await recorded.stop();
      }
    });

    it('writes the current trace and span ids on every log line', async () => {
      const recorded = recordSpans('log-test');
      const lines: Record<string, unknown>[] = [];
      const logger = createLogger({
        name: 'log-test',
        destination: { write: (line: string) => lines.push(JSON.parse(line) as never) },
      });
      try {
        logger.info('outside any span');
        const ids = await withSpan('work', {}, async (span) => {
          logger.info('inside a span');
          return span?.spanContext();
        });
        assert.equal(lines[0]?.trace_id, undefined);
        assert.equal(lines[1]?.trace_id, ids?.traceId);
        assert.equal(lines[1]?.span_id, ids?.spanId);
      } finally {
        await recorded.stop();
      }
    });

    it('leaves probes and metrics scrapes untraced', async () => {
      const recorded = recordSpans('probe-test');
      try {
        const health = await fetch(subgraph.url.replace('/graphql', '/healthz'));
        assert.equal(health.status, 200);
        await ask(subgraph.url);
        const spans = await recorded.spansWhen(
          (ended) => ended.some((s) => s.kind === SpanKind.SERVER),
          'the server span',
        );
        const servers = spans.filter((s) => s.kind === SpanKind.SERVER);
        assert.deepEqual(
          servers.map((s) => s.name),
          ['POST /graphql'],
        );
      } finally {
        await recorded.stop();
      }
    });
  });

  describe('when an OTLP endpoint is set', () => {
    it('posts the spans to it over OTLP/HTTP, under the service name', async () => {
      const receiver = await startOtlpReceiver();
      const tracing = startTracing({
        serviceName: 'otlp-test',
        settings: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
        logger: silentLogger(),
      });
      try {
        assert.equal(tracing.tracesUrl, `${receiver.endpoint}/v1/traces`);
        await withSpan('call hello', { kind: SpanKind.CLIENT }, async () =>
          ask(subgraph.url, traceHeaders()),
        );
        await tracing.flush();
        const spans = await waitFor(
          () => {
            const got = receiver.spans();
            return got.some((s) => s.name === 'POST /graphql') ? got : undefined;
          },
          { description: 'the server span at the receiver' },
        );
        const server = spans.find((s) => s.name === 'POST /graphql');
        const client = spans.find((s) => s.name === 'call hello');
        assert.ok(server && client);
        assert.equal(server.serviceName, 'otlp-test');
        assert.equal(server.traceId, client.traceId);
        assert.equal(server.parentSpanId, client.spanId);
        assert.equal(server.attributes['http.request.method'], 'POST');
      } finally {
        await tracing.shutdown();
        await receiver.close();
      }
    });

    it('answers requests as usual while the collector is down, and shuts down anyway', async () => {
      const port = await closedPort();
      const tracing = startTracing({
        serviceName: 'collector-down',
        settings: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` },
        logger: silentLogger(),
      });
      try {
        assert.equal(tracing.enabled, true);
        const answers = await Promise.all([1, 2, 3].map(() => ask(subgraph.url)));
        for (const answer of answers) {
          assert.equal(answer.status, 200);
          assert.deepEqual(answer.body.data, { hello: 'world' });
        }
        await tracing.flush();
      } finally {
        await tracing.shutdown();
      }
      assert.equal(tracingActive(), false);
    });
  });
});
