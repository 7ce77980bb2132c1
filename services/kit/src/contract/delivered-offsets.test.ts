import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DeliveredOffsets } from './delivered-offsets.js';

describe('DeliveredOffsets', () => {
  it('passes each offset of a partition once, and a redelivered batch not at all', () => {
    const offsets = new DeliveredOffsets();
    const batch = ['7', '8', '9'].map((offset) => ({ partition: 0, offset }));
    assert.deepEqual(
      batch.map((m) => offsets.first(m)),
      [true, true, true],
    );
    assert.deepEqual(
      batch.map((m) => offsets.first(m)),
      [false, false, false],
    );
    assert.equal(offsets.first({ partition: 1, offset: '8' }), true);
    assert.equal(offsets.first({ partition: 0, offset: '10' }), true);
  });

  it('tells whether an offset is unseen without recording it', () => {
    const offsets = new DeliveredOffsets();
    const message = { partition: 0, offset: '7' };
    assert.equal(offsets.unseen(message), true);
    assert.equal(offsets.unseen(message), true);
    assert.equal(offsets.first(message), true);
    assert.equal(offsets.unseen(message), false);
    assert.equal(offsets.unseen({ partition: 0, offset: '8' }), true);
  });
});
