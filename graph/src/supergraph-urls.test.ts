import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { DEFAULT_SUPERGRAPH_PATH } from './config.js';
import { supergraphAt } from './supergraph-urls.js';

describe('supergraphAt', () => {
  const sdl = readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8');
  const names = [...sdl.matchAll(/@join__graph\(name: "([^"]+)"/g)].map((m) => m[1]!);

  it('points every subgraph of the supergraph at the given URL', () => {
    const urls = Object.fromEntries(
      names.map((name, i) => [name, `http://127.0.0.1:${9000 + i}/graphql`]),
    );
    const moved = supergraphAt(sdl, urls);
    for (const [name, url] of Object.entries(urls)) {
      assert.ok(moved.includes(`@join__graph(name: "${name}", url: "${url}")`), name);
    }
    assert.equal(moved.replace(/url: "[^"]*"/g, ''), sdl.replace(/url: "[^"]*"/g, ''));
  });

  it('refuses a supergraph with a subgraph it has no URL for', () => {
    assert.throws(() => supergraphAt(sdl, {}), /no URL for subgraph/);
  });
});
