import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { query, startTestMesh, type TestMesh } from './harness.js';

interface Described {
  name: string;
  description: string | null;
}

interface SchemaData {
  __schema: {
    types: (Described & {
      kind: string;
      fields: (Described & { args: Described[] })[] | null;
      inputFields: Described[] | null;
      enumValues: Described[] | null;
    })[];
  };
}

const SCHEMA = `{ __schema { types { kind name description
  fields { name description args { name description } }
  inputFields { name description }
  enumValues { name description } } } }`;

/** GraphQL's own types and scalars, described by the spec rather than by Tailor. */
const BUILT_IN = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);

describe('the public graph', () => {
  let t: TestMesh;

  before(async () => {
    t = await startTestMesh({ MESH_SEED_DEMO_USERS: 'false' });
  });
  after(async () => {
    await t.destroy();
  });

  describe('when a client introspects it (on by default)', () => {
    it('describes every type, field, argument, input field and enum value', async () => {
      const data = await query<SchemaData>(t.mesh.gatewayUrl, SCHEMA);
      const missing: string[] = [];
      const own = data.__schema.types.filter(
        (type) => !type.name.startsWith('__') && !BUILT_IN.has(type.name),
      );
      assert.ok(own.length > 20, `only ${own.length} types`);
      for (const type of own) {
        if (!type.description) missing.push(type.name);
        for (const field of type.fields ?? []) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of field.args) {
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
        for (const field of type.inputFields ?? []) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
        }
        for (const value of type.enumValues ?? []) {
          if (!value.description) missing.push(`${type.name}.${value.name}`);
        }
      }
      assert.deepEqual(missing, []);
    });
  });
});
