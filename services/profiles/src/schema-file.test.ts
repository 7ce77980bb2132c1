import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { printSubgraphSdl } from '@tailor/kit';

import { PROFILES_SCHEMA_CLASSES } from './graphql/schema.js';
import { PROFILES_SCHEMA_FILE } from './schema-file.js';

describe('services/profiles/schema.graphql', () => {
  it('is what the resolver classes print (run `npm run compose` when it is not)', async () => {
    assert.equal(
      readFileSync(PROFILES_SCHEMA_FILE, 'utf8'),
      await printSubgraphSdl(PROFILES_SCHEMA_CLASSES),
    );
  });
});
