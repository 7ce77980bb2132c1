import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { graphql, startTestMesh, type TestMesh } from './harness.js';

describe('the gateway edge limits', () => {
  let t: TestMesh;
  let url: string;

  before(async () => {
    // Tight limits so that ordinary-looking queries cross them; defaults are documented in README.
    t = await startTestMesh({
      GRAPHQL_MAX_DEPTH: '4',
      GRAPHQL_MAX_ALIASES: '3',
      GRAPHQL_MAX_COST: '60',
      GRAPHQL_INTROSPECTION: 'false',
      MESH_SEED_DEMO_USERS: 'false',
    });
    url = t.mesh.gatewayUrl;
  });
  after(async () => {
    await t.destroy();
  });

  it('serves a query within the limits', async () => {
    const result = await graphql(url, '{ item(id: "books-001") { id title } }');
    assert.equal(result.errors, undefined);
  });

  it('refuses a query deeper than GRAPHQL_MAX_DEPTH with a code', async () => {
    const result = await graphql(
      url,
      '{ user(id: "deep") { recommendations { items { item { id } } } } }',
    );
    assert.equal(result.status, 400);
    assert.equal(result.data, undefined);
    assert.equal(result.errors?.[0]?.extensions?.code, 'MAX_DEPTH_EXCEEDED');
    assert.match(result.errors?.[0]?.message ?? '', /depth/i);
  });

  it('refuses more aliases than GRAPHQL_MAX_ALIASES with a code', async () => {
    const result = await graphql(
      url,
      '{ a: item(id: "x") { id } b: item(id: "x") { id } c: item(id: "x") { id } d: item(id: "x") { id } }',
    );
    assert.equal(result.status, 400);
    assert.equal(result.errors?.[0]?.extensions?.code, 'MAX_ALIASES_EXCEEDED');
    assert.match(result.errors?.[0]?.message ?? '', /alias/i);
  });

  it('refuses a query costlier than GRAPHQL_MAX_COST with a code', async () => {
    const result = await graphql(
      url,
      '{ items(first: 100) { nodes { id title description category tags inStock imageUrl createdAt updatedAt price { amount currency } attributes { name value } } } }',
    );
    assert.equal(result.status, 400);
    assert.equal(result.errors?.[0]?.extensions?.code, 'MAX_COST_EXCEEDED');
    assert.match(result.errors?.[0]?.message ?? '', /cost/i);
  });

  it('refuses introspection when GRAPHQL_INTROSPECTION is false, with a code', async () => {
    const result = await graphql(url, '{ __schema { queryType { name } } }');
    assert.equal(result.data, undefined);
    assert.equal(result.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.match(result.errors?.[0]?.message ?? '', /introspection/i);
  });
});
