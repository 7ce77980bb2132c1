import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';

import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';

import { silentLogger } from '../logger.js';
import { DEADLINE_HEADER } from './deadline.js';
import { type RequestContext, type RunningSubgraph, startSubgraph } from './subgraph.js';

/** What the resolvers did, so a test asserts by effect. */
const calls = { waited: 0, after: 0, signalled: [] as AbortSignal[] };

/** `slow` answers only once its request's signal fires; `after` must then never run. */
const schema = new GraphQLSchema({
  query: new GraphQLObjectType<unknown, RequestContext>({
    name: 'Query',
    fields: {
      slow: {
        type: new GraphQLObjectType<unknown, RequestContext>({
          name: 'Slow',
          fields: {
            after: {
              type: GraphQLString,
              resolve: () => {
                calls.after += 1;
                return 'ran';
              },
            },
          },
        }),
        resolve: async (_root, _args, context) => {
          calls.waited += 1;
          calls.signalled.push(context.signal);
          if (!context.signal.aborted) await once(context.signal, 'abort');
          return {};
        },
      },
    },
  }),
});

async function ask(url: string, headers: Record<string, string>, signal?: AbortSignal) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ slow { after } }' }),
    ...(signal === undefined ? {} : { signal }),
  });
  return (await response.json()) as {
    data?: { slow: { after: string | null } | null };
    errors?: { extensions?: { code?: string } }[];
  };
}

async function until(condition: () => boolean): Promise<void> {
  const giveUpAt = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > giveUpAt) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('startSubgraph deadlines', () => {
  let subgraph: RunningSubgraph;
  before(async () => {
    subgraph = await startSubgraph({
      name: 'deadline',
      schema,
      logger: silentLogger(),
      host: '127.0.0.1',
      port: 0,
    });
  });
  after(async () => {
    await subgraph.close();
  });

  describe('when the gateway deadline passes while a resolver works', () => {
    it('runs no field after it and answers DEADLINE_EXCEEDED', async () => {
      calls.after = 0;
      const body = await ask(subgraph.url, { [DEADLINE_HEADER]: '30' });
      assert.equal(calls.after, 0);
      assert.equal(body.errors?.[0]?.extensions?.code, 'DEADLINE_EXCEEDED');
    });
  });

  describe('when the deadline has already passed on arrival', () => {
    it('runs no resolver at all', async () => {
      const waitedBefore = calls.waited;
      const body = await ask(subgraph.url, { [DEADLINE_HEADER]: '0' });
      assert.equal(calls.waited, waitedBefore);
      assert.equal(body.errors?.[0]?.extensions?.code, 'DEADLINE_EXCEEDED');
    });
  });

  describe('when the caller disconnects', () => {
    it('fires the request signal, and nothing runs after the resolver in flight', async () => {
      calls.after = 0;
      const seen = calls.signalled.length;
      const client = new AbortController();
      const answer = ask(subgraph.url, {}, client.signal).catch(() => undefined);
      await until(() => calls.signalled.length > seen);
      client.abort();
      await answer;
      const signal = calls.signalled[seen];
      await until(() => signal?.aborted === true);
      assert.equal(calls.after, 0);
    });
  });

  describe('without a deadline header', () => {
    it('gives the request a signal that has not fired', async () => {
      const seen = calls.signalled.length;
      const client = new AbortController();
      const answer = ask(subgraph.url, {}, client.signal).catch(() => undefined);
      await until(() => calls.signalled.length > seen);
      assert.equal(calls.signalled[seen]?.aborted, false);
      client.abort();
      await answer;
    });
  });
});
