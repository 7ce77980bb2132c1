import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';

import { TailorError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { type RunningSubgraph, startSubgraph } from './subgraph.js';

/** Fields failing the ways an adapter fails: a store that is down, and a store that refuses. */
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      storeDown: {
        type: GraphQLString,
        resolve: () => {
          throw new TailorError(
            'Qdrant: retrieving points in collection profiles failed: fetch failed',
            { retriable: true },
          );
        },
      },
      storeRefused: {
        type: GraphQLString,
        resolve: () => {
          throw new TailorError('Qdrant: bad filter on collection items', { retriable: false });
        },
      },
    },
  }),
});

async function ask(url: string, query: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as {
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

describe('startSubgraph errors of dependencies', () => {
  let subgraph: RunningSubgraph;
  before(async () => {
    subgraph = await startSubgraph({
      name: 'failing',
      schema,
      logger: silentLogger(),
      host: '127.0.0.1',
      port: 0,
    });
  });
  after(async () => {
    await subgraph.close();
  });

  describe('when a dependency is down (a retriable adapter error)', () => {
    it('answers SERVICE_UNAVAILABLE with a retry hint and no internal names', async () => {
      const body = await ask(subgraph.url, '{ storeDown }');
      const error = body.errors?.[0];
      assert.equal(error?.extensions?.['code'], 'SERVICE_UNAVAILABLE');
      assert.equal(error?.extensions?.['retryAfterSeconds'], 5);
      assert.doesNotMatch(error?.message ?? '', /Qdrant|profiles|fetch/);
    });
  });

  describe('when the error would not go away on retry', () => {
    it('leaves it an internal error (the gateway masks its message)', async () => {
      const body = await ask(subgraph.url, '{ storeRefused }');
      assert.notEqual(body.errors?.[0]?.extensions?.['code'], 'SERVICE_UNAVAILABLE');
    });
  });
});
