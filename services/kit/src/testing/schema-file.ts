import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { printSubgraphSdl, type SubgraphClasses } from '../server/schema-file.js';

/**
 * The test every service runs on its committed SDL: the file is what its resolver classes print,
 * so a schema change that skipped `npm run compose` fails that service's `npm test`.
 */
export function describeSchemaFile(service: string, file: string, classes: SubgraphClasses): void {
  describe(`services/${service}/schema.graphql`, () => {
    it('is what the resolver classes print (run `npm run compose` when it is not)', async () => {
      assert.equal(readFileSync(file, 'utf8'), await printSubgraphSdl(classes));
    });
  });
}
