import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { DEADLINE_HEADER, silentLogger } from '@tailor/kit';
import { SignJWT } from 'jose';

import type { GatewayAuthConfig } from '../auth/index.js';
import { compose } from '../compose.js';
import { DEFAULT_SUBGRAPH_URLS, type GatewayOverloadSettings } from '../config.js';
import {
  GATEWAY_ENGINES,
  type GatewayEngine,
  type RunningGateway,
  startGateway,
} from '../gateway.js';

const SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@shareable"])
type Query { slow: String fast: String }
`;

/** A subgraph that holds every `slow` call until the test lets it go, and records each call. */
class HeldSubgraph {
  readonly calls: { req: IncomingMessage; res: ServerResponse; closedEarly: boolean }[] = [];
  server: Server = createServer((req, res) => {
    // Recorded on arrival, so a call cut off while its body was still on the way counts too.
    const call = { req, res, closedEarly: false };
    res.on('close', () => (call.closedEarly = !res.writableFinished));
    this.calls.push(call);
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (!body.includes('slow')) this.answer(call.res);
    });
  });

  answer(res: ServerResponse): void {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ data: { slow: 'done', fast: 'done' } }));
  }

  releaseAll(): void {
    for (const call of this.calls) if (!call.res.writableEnded) this.answer(call.res);
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/graphql`;
  }
}

const SETTINGS: GatewayOverloadSettings = {
  GATEWAY_CONCURRENCY_MIN: 1,
  GATEWAY_CONCURRENCY_MAX: 1,
  GATEWAY_LATENCY_TARGET_MS: 60_000,
  GATEWAY_QUEUE_MAX: 0,
  GATEWAY_QUEUE_TIMEOUT_MS: 1_000,
  GATEWAY_RETRY_AFTER_SECONDS: 2,
  GATEWAY_REQUEST_TIMEOUT_MS: 60_000,
};

async function until(condition: () => boolean): Promise<void> {
  const giveUpAt = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > giveUpAt) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface Answer {
  status: number;
  retryAfter: string | null;
  text: string;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function ask(
  url: string,
  query: string,
  options: { headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify({ query }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const text = await response.text();
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    text,
    body: JSON.parse(text) as Answer['body'],
  };
}

const JWT_SECRET = 'a-jwt-secret-of-at-least-32-characters!';

async function tokenFor(sub: string, role: 'user' | 'service'): Promise<string> {
  return new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(JWT_SECRET));
}

async function startWith(
  engine: GatewayEngine,
  settings: GatewayOverloadSettings,
  auth?: GatewayAuthConfig,
): Promise<{ gateway: RunningGateway; subgraph: HeldSubgraph }> {
  const subgraph = new HeldSubgraph();
  const url = await subgraph.start();
  const composed = compose([{ name: 'catalog', url: DEFAULT_SUBGRAPH_URLS.catalog, sdl: SDL }]);
  if (!composed.ok) throw new Error(composed.problems.join('\n'));
  const gateway = await startGateway({
    logger: silentLogger(),
    host: '127.0.0.1',
    port: 0,
    supergraphSdl: composed.supergraphSdl,
    subgraphUrls: { ...DEFAULT_SUBGRAPH_URLS, catalog: url },
    engine,
    limits: {
      GRAPHQL_MAX_DEPTH: 10,
      GRAPHQL_MAX_COST: 5_000,
      GRAPHQL_MAX_ALIASES: 15,
      GRAPHQL_MAX_DIRECTIVES: 50,
      GRAPHQL_MAX_TOKENS: 2_000,
      GRAPHQL_INTROSPECTION: true,
      GATEWAY_MAX_BODY_BYTES: 1_048_576,
    },
    overload: settings,
    ...(auth === undefined ? {} : { auth }),
  });
  return { gateway, subgraph };
}

async function stop(gateway: RunningGateway, subgraph: HeldSubgraph): Promise<void> {
  subgraph.releaseAll();
  await gateway.close();
  subgraph.server.closeAllConnections();
  await new Promise((resolve) => subgraph.server.close(resolve));
}

for (const engine of GATEWAY_ENGINES) {
  describe(`gateway overload handling (${engine})`, () => {
    describe('with concurrency 1 and no queue', () => {
      let gateway: RunningGateway;
      let subgraph: HeldSubgraph;
      before(async () => ({ gateway, subgraph } = await startWith(engine, SETTINGS)));
      after(async () => stop(gateway, subgraph));

      it('sheds a second concurrent request with 503, Retry-After and code OVERLOADED', async () => {
        const first = ask(gateway.url, '{ slow }');
        await until(() => subgraph.calls.length === 1);

        const second = await ask(gateway.url, '{ fast }');
        assert.equal(second.status, 503);
        assert.equal(second.retryAfter, '2');
        assert.equal(second.body.errors?.[0]?.extensions?.['code'], 'OVERLOADED');
        assert.equal(second.body.errors?.[0]?.extensions?.['retryAfterSeconds'], 2);
        assert.doesNotMatch(second.text, /127\.0\.0\.1|catalog|subgraph/);
        // The shed request never reached the subgraph.
        assert.equal(subgraph.calls.length, 1);

        const health = await fetch(gateway.url.replace(/graphql$/, 'healthz'));
        assert.equal(health.status, 200);
        const metrics = await (await fetch(gateway.url.replace(/graphql$/, 'metrics'))).text();
        assert.match(metrics, /gateway_shed_requests_total\{[^}]*reason="queue_full"[^}]*\} 1/);
        assert.match(metrics, /gateway_inflight_requests\{class="default"[^}]*\} 1/);

        subgraph.releaseAll();
        assert.equal((await first).status, 200);
        const third = await ask(gateway.url, '{ fast }');
        assert.equal(third.status, 200, 'the slot is given back when a request ends');
      });
    });

    describe('with a queue of one', () => {
      let gateway: RunningGateway;
      let subgraph: HeldSubgraph;
      before(
        async () =>
          ({ gateway, subgraph } = await startWith(engine, { ...SETTINGS, GATEWAY_QUEUE_MAX: 1 })),
      );
      after(async () => stop(gateway, subgraph));

      it('serves the queued request once the slot frees, and sheds the one beyond', async () => {
        const first = ask(gateway.url, '{ slow }');
        await until(() => subgraph.calls.length === 1);
        const queued = ask(gateway.url, '{ fast }');
        const metricsUrl = gateway.url.replace(/graphql$/, 'metrics');
        let queuedNow = '';
        const giveUpAt = Date.now() + 10_000;
        while (!/gateway_queued_requests\{class="default"[^}]*\} 1/.test(queuedNow)) {
          if (Date.now() > giveUpAt) throw new Error('the second request was never queued');
          queuedNow = await (await fetch(metricsUrl)).text();
        }
        const beyond = await ask(gateway.url, '{ fast }');
        assert.equal(beyond.status, 503);
        subgraph.releaseAll();
        assert.equal((await first).status, 200);
        assert.equal((await queued).status, 200);
      });
    });

    describe('deadlines and cancellation', () => {
      let gateway: RunningGateway;
      let subgraph: HeldSubgraph;
      before(
        async () =>
          ({ gateway, subgraph } = await startWith(engine, {
            ...SETTINGS,
            GATEWAY_CONCURRENCY_MAX: 8,
          })),
      );
      after(async () => stop(gateway, subgraph));

      it('passes the remaining budget to the subgraph, capped by what the client asked', async () => {
        const before = subgraph.calls.length;
        const answer = await ask(gateway.url, '{ fast }', {
          headers: { 'x-tailor-timeout-ms': '5000' },
        });
        assert.equal(answer.status, 200);
        const sent = Number(subgraph.calls[before]?.req.headers[DEADLINE_HEADER]);
        assert.ok(sent > 0 && sent <= 5_000, `deadline header ${sent}`);
        assert.equal(subgraph.calls[before]?.req.headers['x-tailor-internal-call'], undefined);
      });

      it('aborts the subgraph call when the client disconnects', async () => {
        const before = subgraph.calls.length;
        const client = new AbortController();
        const answer = ask(gateway.url, '{ slow }', { signal: client.signal }).catch(() => 'gone');
        await until(() => subgraph.calls.length > before);
        client.abort();
        assert.equal(await answer, 'gone');
        await until(() => subgraph.calls[before]?.closedEarly === true);
      });

      it('answers 504 DEADLINE_EXCEEDED and drops the subgraph call when the budget runs out', async () => {
        const before = subgraph.calls.length;
        const answer = await ask(gateway.url, '{ slow }', {
          headers: { 'x-tailor-timeout-ms': '50' },
        });
        assert.equal(answer.status, 504);
        assert.equal(answer.body.errors?.[0]?.extensions?.['code'], 'DEADLINE_EXCEEDED');
        assert.doesNotMatch(answer.text, /127\.0\.0\.1/);
        // On a busy machine the budget may run out before the call leaves: then none was made.
        await until(() => subgraph.calls.slice(before).every((call) => call.closedEarly));
      });

      it('refuses a malformed x-tailor-timeout-ms naming the header', async () => {
        const answer = await ask(gateway.url, '{ fast }', {
          headers: { 'x-tailor-timeout-ms': 'soon' },
        });
        assert.equal(answer.status, 400);
        assert.equal(answer.body.errors?.[0]?.extensions?.['code'], 'BAD_REQUEST');
        assert.equal(answer.body.errors?.[0]?.extensions?.['field'], 'x-tailor-timeout-ms');
      });
    });

    describe('with tokens, when user requests fill the limit', () => {
      let gateway: RunningGateway;
      let subgraph: HeldSubgraph;
      before(
        async () =>
          ({ gateway, subgraph } = await startWith(engine, SETTINGS, {
            AUTH_MODE: 'jwt',
            AUTH_JWT_SECRET: JWT_SECRET,
            AUTH_ROLE_CLAIM: 'role',
            AUTH_CLOCK_TOLERANCE_SECONDS: 0,
            GATEWAY_SHARED_SECRET: 'a-gateway-secret-of-at-least-32-characters',
          })),
      );
      after(async () => stop(gateway, subgraph));

      it('still admits a service token, on its own share, and sheds the next user', async () => {
        const user = { authorization: `Bearer ${await tokenFor('u-1', 'user')}` };
        const service = { authorization: `Bearer ${await tokenFor('importer', 'service')}` };
        const held = ask(gateway.url, '{ slow }', { headers: user });
        await until(() => subgraph.calls.length === 1);

        const shed = await ask(gateway.url, '{ fast }', { headers: user });
        assert.equal(shed.status, 503);
        assert.equal(shed.body.errors?.[0]?.extensions?.['code'], 'OVERLOADED');
        const served = await ask(gateway.url, '{ fast }', { headers: service });
        assert.equal(served.status, 200);

        const metrics = await (await fetch(gateway.url.replace(/graphql$/, 'metrics'))).text();
        assert.match(
          metrics,
          /gateway_shed_requests_total\{class="default",reason="queue_full"[^}]*\} 1/,
        );
        subgraph.releaseAll();
        assert.equal((await held).status, 200);
      });
    });
  });
}
