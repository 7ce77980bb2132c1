import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { printSubgraphSdl } from '@tailor/kit';

import { CATALOG_SCHEMA_CLASSES } from './graphql/schema.js';
import { CATALOG_SCHEMA_FILE } from './schema-file.js';

describe('services/catalog/schema.graphql', () => {
  it('is what the resolver classes print (run `npm run compose` when it is not)', async () => {
    assert.equal(
      readFileSync(CATALOG_SCHEMA_FILE, 'utf8'),
      await printSubgraphSdl(CATALOG_SCHEMA_CLASSES),
    );
  });
});
