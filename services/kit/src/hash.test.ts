import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { fnv1a32, fnv1a32CodeUnits } from './hash.js';

describe('fnv1a32CodeUnits', () => {
  it('gives the published FNV-1a values for ASCII, the same as the UTF-8 hash', () => {
    // Test vectors of the FNV reference (32-bit FNV-1a).
    assert.equal(fnv1a32CodeUnits(''), 0x811c9dc5);
    assert.equal(fnv1a32CodeUnits('a'), 0xe40c292c);
    assert.equal(fnv1a32CodeUnits('foobar'), 0xbf9cf968);
    assert.equal(fnv1a32CodeUnits('foobar'), fnv1a32('foobar'));
  });

  it('hashes code units, not bytes, beyond ASCII', () => {
    assert.notEqual(fnv1a32CodeUnits('café'), fnv1a32('café'));
  });
});
