import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { contextBucket, MAX_BUCKET_PART_CHARS } from './context.js';

describe('contextBucket', () => {
  it('is surface and top category, normalized', () => {
    assert.equal(
      contextBucket({ surface: ' Home ', topCategory: 'Outdoor  Gear' }),
      'home|outdoor gear',
    );
  });

  it('names what is absent', () => {
    assert.equal(contextBucket({}), 'any|none');
    assert.equal(contextBucket({ surface: '', topCategory: 'kitchen' }), 'any|kitchen');
  });

  it('cuts long parts, so a caller cannot grow the keys', () => {
    const bucket = contextBucket({ surface: 'x'.repeat(500) });
    assert.equal(bucket, `${'x'.repeat(MAX_BUCKET_PART_CHARS)}|none`);
  });
});

describe('contextBucket separator', () => {
  it('keeps two contexts apart even when a part holds the separator', () => {
    assert.notEqual(
      contextBucket({ surface: 'a|b', topCategory: 'c' }),
      contextBucket({ surface: 'a', topCategory: 'b|c' }),
    );
  });
});
