import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { compose, subgraphSdls } from './compose.js';
import { DEFAULT_SUPERGRAPH_PATH } from './config.js';

describe('supergraph composition', () => {
  it('composes the subgraphs without errors or unaccepted hints', async () => {
    const composition = compose(await subgraphSdls());
    assert.deepEqual(composition.ok ? [] : composition.problems, []);
  });

  it('matches the committed graph/supergraph.graphql (run `npm run compose` when it does not)', async () => {
    const composition = compose(await subgraphSdls());
    assert.ok(composition.ok);
    assert.equal(readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'), composition.supergraphSdl);
  });
});
