import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { REPO_ROOT } from '../lib/paths.js';
import { answerDifference, supergraphAt } from './gateways.js';

describe('supergraphAt', () => {
  const sdl = readFileSync(path.join(REPO_ROOT, 'graph', 'supergraph.graphql'), 'utf8');
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

describe('answerDifference', () => {
  const answer = (id: string, score: number, title: string) => ({
    data: { user: { recommendations: { recommendationId: id, items: [{ score, title }] } } },
  });

  it('ignores the list id and the drift of a decayed score', () => {
    assert.equal(
      answerDifference(answer('a', 0.3264, 'Tent'), answer('b', 0.326399, 'Tent')),
      undefined,
    );
  });

  it('names where a value, a list or the field order differs', () => {
    assert.match(
      answerDifference(answer('a', 0.5, 'Tent'), answer('a', 0.5, 'Stove')) ?? '',
      /items\[0\]\.title: "Tent" against "Stove"/,
    );
    assert.match(
      answerDifference(answer('a', 0.5, 'Tent'), answer('a', 0.6, 'Tent')) ?? '',
      /score/,
    );
    assert.match(answerDifference([1, 2], [1]) ?? '', /^\$: /);
    assert.match(answerDifference({ a: 1, b: 2 }, { b: 2, a: 1 }) ?? '', /fields a,b against b,a/);
  });
});
