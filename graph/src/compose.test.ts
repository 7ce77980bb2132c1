import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

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
});
