import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { printSubgraphSdl } from '@tailor/kit';

import { GENERATION_SCHEMA_CLASSES } from './graphql/schema.js';
import { GENERATION_SCHEMA_FILE } from './schema-file.js';

describe('services/generation/schema.graphql', () => {
  it('is what the resolver classes print (run `npm run compose` when it is not)', async () => {
    assert.equal(
      readFileSync(GENERATION_SCHEMA_FILE, 'utf8'),
      await printSubgraphSdl(GENERATION_SCHEMA_CLASSES),
    );
  });
});
