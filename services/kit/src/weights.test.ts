import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { strongestFirst } from './weights.js';

describe('strongestFirst', () => {
  it('ranks strongest first and breaks ties by name in code-unit order', () => {
    const ranked = strongestFirst([
      ['tools', 1],
      ['garden', 3],
      ['b', 2],
      ['B', 2],
      ['a', 2],
    ]);
    assert.deepEqual(ranked, [
      ['garden', 3],
      ['B', 2],
      ['a', 2],
      ['b', 2],
      ['tools', 1],
    ]);
  });

  it('cuts at the limit, ties decided before the cut', () => {
    const ranked = strongestFirst(
      [
        ['y', 1],
        ['x', 1],
        ['z', 5],
      ],
      2,
    );
    assert.deepEqual(ranked, [
      ['z', 5],
      ['x', 1],
    ]);
  });

  it('orders equal weights by the names order it is given', () => {
    const reversed = strongestFirst(
      [
        ['a', 1],
        ['c', 1],
        ['b', 1],
      ],
      Infinity,
      (a, b) => b.localeCompare(a),
    );
    assert.deepEqual(
      reversed.map(([name]) => name),
      ['c', 'b', 'a'],
    );
  });

  it('gives an empty list for no entries and a limit of 0', () => {
    assert.deepEqual(strongestFirst([]), []);
    assert.deepEqual(strongestFirst([['a', 1]], 0), []);
  });
});
