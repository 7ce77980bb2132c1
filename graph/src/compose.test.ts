import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { ApolloGateway } from '@apollo/gateway';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import http from '@graphql-mesh/transport-http';
import { type GraphQLSchema, printSchema } from 'graphql';

import { compose, subgraphSdls } from './compose.js';
import { DEFAULT_SUBGRAPH_URLS, DEFAULT_SUPERGRAPH_PATH, SUBGRAPH_NAMES } from './config.js';

describe('supergraph composition', () => {
  it('reads every subgraph from graph/supergraph.yaml, routed where the gateway routes it', () => {
    const subgraphs = subgraphSdls();
    assert.deepEqual(
      subgraphs.map((s) => s.name),
      [...SUBGRAPH_NAMES],
    );
    for (const s of subgraphs) assert.equal(s.url, DEFAULT_SUBGRAPH_URLS[s.name], s.name);
  });

  it('composes the subgraphs without errors or unaccepted hints', () => {
    const composition = compose(subgraphSdls());
    assert.deepEqual(composition.ok ? [] : composition.problems, []);
  });

  it('matches the committed graph/supergraph.graphql (run `npm run compose` when it does not)', () => {
    const composition = compose(subgraphSdls());
    assert.ok(composition.ok);
    assert.equal(readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'), composition.supergraphSdl);
  });

  it('loads into both gateway engines, Apollo Gateway and Hive Gateway with Hive Router, alike', async () => {
    const supergraphSdl = readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8');
    const apollo = new ApolloGateway({ supergraphSdl });
    const { schema: apolloSchema } = await apollo.load();
    const hive = createGatewayRuntime({
      supergraph: supergraphSdl,
      transports: { http },
      unifiedGraphHandler,
      logging: false,
    });
    try {
      const hiveSchema: GraphQLSchema = await hive.getSchema();
      const apolloQuery = Object.keys(apolloSchema.getQueryType()?.getFields() ?? {}).sort();
      assert.ok(apolloQuery.includes('user') && apolloQuery.includes('recommendations'));
      assert.deepEqual(
        Object.keys(hiveSchema.getQueryType()?.getFields() ?? {}).sort(),
        apolloQuery,
      );
      assert.deepEqual(
        Object.keys(hiveSchema.getMutationType()?.getFields() ?? {}).sort(),
        Object.keys(apolloSchema.getMutationType()?.getFields() ?? {}).sort(),
      );
      // Every client-visible type of the one is in the other, fields included.
      const visible = (schema: GraphQLSchema) =>
        Object.keys(schema.getTypeMap())
          .filter(
            (name) =>
              !name.startsWith('__') && !name.startsWith('join__') && !name.startsWith('link__'),
          )
          .sort();
      assert.deepEqual(visible(hiveSchema), visible(apolloSchema));
      assert.ok(printSchema(hiveSchema).includes('type Recommendation'));
    } finally {
      await apollo.stop();
      await hive[Symbol.asyncDispose]();
    }
  });
});
