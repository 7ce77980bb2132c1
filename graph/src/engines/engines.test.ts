import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { DEADLINE_HEADER, silentLogger } from '@tailor/kit';
import { parentIdOf, type RecordedSpans, recordSpans } from '@tailor/kit/testing';
import { SignJWT } from 'jose';
import { z } from 'zod';

import { compose } from '../compose.js';
import { DEFAULT_SUBGRAPH_URLS, gatewayLimitsShape } from '../config.js';
import { GATEWAY_ENGINES, type RunningGateway, startGateway } from '../gateway.js';

const SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@shareable"])
type Query { whoami: String broken: String leaky: String }
`;

/** An address a subgraph's failure may name; it must never reach a client. */
const INTERNAL_ADDRESS = '10.20.30.40:5432';

/** A subgraph that records each call's headers and answers by the field asked for. */
class RecordingSubgraph {
  readonly headers: IncomingHttpHeaders[] = [];
  readonly server: Server = createServer((req, res) => {
    this.headers.push(req.headers);
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (body.includes('broken')) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`connect ECONNREFUSED ${INTERNAL_ADDRESS} at http://db.internal/`);
        return;
      }
      res.setHeader('content-type', 'application/json');
      if (body.includes('leaky')) {
        res.end(
          JSON.stringify({
            data: { leaky: null },
            errors: [
              {
                message: `store at ${INTERNAL_ADDRESS} did not answer`,
                path: ['leaky'],
                extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at db.internal'] },
              },
            ],
          }),
        );
        return;
      }
      res.end(JSON.stringify({ data: { whoami: 'someone' } }));
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/graphql`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const JWT_SECRET = 'a-jwt-secret-of-at-least-32-characters!';
const GATEWAY_SECRET = 'a-gateway-secret-of-at-least-32-characters';

async function userToken(sub: string): Promise<string> {
  return new SignJWT({ role: 'user' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(JWT_SECRET));
}

async function post(url: string, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  return {
    status: response.status,
    requestId: response.headers.get('x-request-id'),
    text,
    body: JSON.parse(text) as {
      data?: unknown;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    },
  };
}

// One provider for the file: Apollo Gateway's tracer stays bound to the first it meets.
let recorded: RecordedSpans;
before(() => {
  recorded = recordSpans('gateway-engines');
});
after(async () => {
  await recorded.stop();
});

for (const engine of GATEWAY_ENGINES) {
  describe(`the gateway on ${engine}`, () => {
    let subgraph: RecordingSubgraph;
    let gateway: RunningGateway;

    before(async () => {
      subgraph = new RecordingSubgraph();
      const url = await subgraph.start();
      const composed = compose([{ name: 'catalog', url: DEFAULT_SUBGRAPH_URLS.catalog, sdl: SDL }]);
      if (!composed.ok) throw new Error(composed.problems.join('\n'));
      gateway = await startGateway({
        logger: silentLogger(),
        host: '127.0.0.1',
        port: 0,
        engine,
        supergraphSdl: composed.supergraphSdl,
        subgraphUrls: { ...DEFAULT_SUBGRAPH_URLS, catalog: url },
        limits: z.object(gatewayLimitsShape).parse({}),
        auth: {
          AUTH_MODE: 'jwt',
          AUTH_JWT_SECRET: JWT_SECRET,
          AUTH_ROLE_CLAIM: 'role',
          AUTH_CLOCK_TOLERANCE_SECONDS: 0,
          GATEWAY_SHARED_SECRET: GATEWAY_SECRET,
        },
      });
    });
    after(async () => {
      await gateway.close();
      await subgraph.stop();
    });

    it('sends the subgraph its own headers and none of the client’s', async () => {
      const calls = subgraph.headers.length;
      const answer = await post(gateway.url, '{ whoami }', {
        authorization: `Bearer ${await userToken('alice')}`,
        'x-request-id': 'client-chosen-id-1',
        'x-tailor-viewer-id': 'mallory',
        'x-tailor-viewer-kind': 'service',
        'x-tailor-gateway-secret': 'forged',
        [DEADLINE_HEADER]: '999999999',
        cookie: 'session=secret',
      });
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(answer.body.data, { whoami: 'someone' });
      const sent = subgraph.headers[calls];
      assert.ok(sent !== undefined, 'the subgraph was called');
      assert.equal(sent['x-request-id'], 'client-chosen-id-1');
      assert.equal(answer.requestId, 'client-chosen-id-1');
      assert.equal(sent['x-tailor-viewer-kind'], 'user');
      assert.equal(sent['x-tailor-viewer-id'], 'alice');
      assert.equal(sent['x-tailor-gateway-secret'], GATEWAY_SECRET);
      const deadline = Number(sent[DEADLINE_HEADER]);
      assert.ok(deadline > 0 && deadline <= 10_000, `deadline ${sent[DEADLINE_HEADER]}`);
      assert.equal(sent.cookie, undefined);
      assert.equal(sent.authorization, undefined);
    });

    it('carries the trace to the subgraph from a gateway.fetch span under the request’s', async () => {
      const calls = subgraph.headers.length;
      const answer = await post(gateway.url, '{ whoami }', {
        authorization: `Bearer ${await userToken('alice')}`,
      });
      assert.equal(answer.status, 200, answer.text);
      const traceparent = subgraph.headers[calls]?.traceparent;
      assert.ok(typeof traceparent === 'string', 'a traceparent was sent');
      const [, traceId, spanId] = traceparent.split('-');
      const spans = await recorded.spansWhen(
        (ended) =>
          ended.some((s) => s.spanContext().spanId === spanId) &&
          ended.some((s) => s.name === 'POST /graphql' && s.spanContext().traceId === traceId),
        'the fetch span and the request span ended',
      );
      const fetchSpan = spans.find((s) => s.spanContext().spanId === spanId);
      assert.equal(fetchSpan?.name, 'gateway.fetch');
      const server = spans.find(
        (s) => s.name === 'POST /graphql' && s.spanContext().traceId === traceId,
      );
      assert.ok(server !== undefined);
      const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
      let ancestor = fetchSpan === undefined ? undefined : parentIdOf(fetchSpan);
      while (ancestor !== undefined && ancestor !== server.spanContext().spanId) {
        const next = byId.get(ancestor);
        ancestor = next === undefined ? undefined : parentIdOf(next);
      }
      assert.equal(ancestor, server.spanContext().spanId, 'the fetch span is under the request');
    });

    it('answers a subgraph’s 500 with a code and no internal address', async () => {
      const answer = await post(gateway.url, '{ broken }', {
        authorization: `Bearer ${await userToken('alice')}`,
      });
      assert.ok(answer.status < 500 || answer.body.errors !== undefined, answer.text);
      assert.equal(answer.body.errors?.[0]?.extensions?.['code'], 'INTERNAL_SERVER_ERROR');
      assert.doesNotMatch(answer.text, /10\.20\.30\.40|db\.internal|127\.0\.0\.1|ECONNREFUSED/);
    });

    it('masks a subgraph’s internal error and its extensions', async () => {
      const answer = await post(gateway.url, '{ leaky }', {
        authorization: `Bearer ${await userToken('alice')}`,
      });
      assert.deepEqual(answer.body.data, { leaky: null });
      assert.equal(answer.body.errors?.[0]?.extensions?.['code'], 'INTERNAL_SERVER_ERROR');
      assert.equal(answer.body.errors?.[0]?.extensions?.['stacktrace'], undefined);
      assert.doesNotMatch(answer.text, /10\.20\.30\.40|db\.internal|127\.0\.0\.1|catalog/);
    });

    it('refuses a request without a token before any subgraph is called', async () => {
      const calls = subgraph.headers.length;
      const answer = await post(gateway.url, '{ whoami }');
      assert.equal(answer.status, 401);
      assert.equal(answer.body.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
      assert.equal(subgraph.headers.length, calls);
    });
  });
}
