import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';

import { silentLogger } from '../logger.js';
import { type RequestContext, type RunningSubgraph, startSubgraph } from '../server/subgraph.js';
import { describeViewer, GATEWAY_SECRET_HEADER, viewerHeaders } from './viewer.js';

const SECRET = 'a-shared-secret-of-at-least-32-characters';

/** A schema whose one field says who the subgraph thinks is calling. */
const whoAmI = new GraphQLSchema({
  query: new GraphQLObjectType<unknown, RequestContext>({
    name: 'Query',
    fields: {
      viewer: {
        type: GraphQLString,
        resolve: (_root, _args, context) => describeViewer(context.viewer),
      },
    },
  }),
});

async function ask(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ viewer }' }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function start(gatewaySecret: string | undefined): Promise<RunningSubgraph> {
  return startSubgraph({
    name: 'who-am-i',
    schema: whoAmI,
    logger: silentLogger(),
    host: '127.0.0.1',
    port: 0,
    gatewaySecret,
  });
}

describe('startSubgraph gateway trust', () => {
  describe('when GATEWAY_SHARED_SECRET is set', () => {
    let subgraph: RunningSubgraph;
    before(async () => {
      subgraph = await start(SECRET);
    });
    after(async () => {
      await subgraph.close();
    });

    it('refuses a caller without the secret with 401 and a JSON error', async () => {
      const { status, body } = await ask(subgraph.url, {});
      assert.equal(status, 401);
      assert.deepEqual(Object.keys(body), ['error']);
      assert.equal((body.error as { code: string }).code, 'UNAUTHENTICATED');
    });

    it('refuses a wrong secret, even one that shares its start', async () => {
      for (const wrong of ['nope', SECRET.slice(0, -1), `${SECRET}x`]) {
        const { status } = await ask(subgraph.url, { [GATEWAY_SECRET_HEADER]: wrong });
        assert.equal(status, 401, wrong);
      }
    });

    it('refuses viewer headers that come without the secret', async () => {
      const forged = viewerHeaders({ kind: 'service', serviceId: 'me' });
      const { status } = await ask(subgraph.url, forged);
      assert.equal(status, 401);
    });

    it('puts the viewer the gateway sent into the context', async () => {
      const { status, body } = await ask(subgraph.url, {
        [GATEWAY_SECRET_HEADER]: SECRET,
        ...viewerHeaders({ kind: 'user', userId: 'alice' }),
      });
      assert.equal(status, 200);
      assert.deepEqual(body, { data: { viewer: 'user:alice' } });
    });

    it('treats a gateway call without viewer headers as anonymous', async () => {
      const { body } = await ask(subgraph.url, { [GATEWAY_SECRET_HEADER]: SECRET });
      assert.deepEqual(body, { data: { viewer: 'anonymous' } });
    });

    it('still answers health checks without the secret', async () => {
      const response = await fetch(subgraph.url.replace('/graphql', '/healthz'));
      assert.equal(response.status, 200);
    });
  });

  describe('when GATEWAY_SHARED_SECRET is not set', () => {
    let subgraph: RunningSubgraph;
    before(async () => {
      subgraph = await start(undefined);
    });
    after(async () => {
      await subgraph.close();
    });

    it('trusts every caller and ignores viewer headers', async () => {
      const { status, body } = await ask(
        subgraph.url,
        viewerHeaders({ kind: 'user', userId: 'alice' }),
      );
      assert.equal(status, 200);
      assert.deepEqual(body, { data: { viewer: 'trusted' } });
    });
  });
});
