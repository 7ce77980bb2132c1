import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ANGLES } from './angles.js';
import { adCreativeFormat, creativeId, type CreativeKey } from './creative.js';

const KEY: CreativeKey = {
  itemId: 'shoe-1',
  angle: 'interest',
  format: 'DESCRIPTION',
  promptVersion: 'template-v3',
};

describe('creativeId', () => {
  it('is the same for the same item, angle, format and prompt version', () => {
    assert.equal(creativeId(KEY), creativeId({ ...KEY }));
    assert.match(creativeId(KEY), /^cr_[0-9a-f]{20}$/);
  });

  it('differs per angle, format, prompt version and item', () => {
    const ids = new Set([
      ...ANGLES.map((angle) => creativeId({ ...KEY, angle })),
      creativeId({ ...KEY, format: 'THUMBNAIL' }),
      creativeId({ ...KEY, format: adCreativeFormat('BANNER') }),
      creativeId({ ...KEY, format: adCreativeFormat('SOCIAL') }),
      creativeId({ ...KEY, promptVersion: 'prompt-v4' }),
      creativeId({ ...KEY, itemId: 'shoe-2' }),
    ]);
    assert.equal(ids.size, ANGLES.length + 5);
  });

  it('cannot be forged by moving text between the parts', () => {
    assert.notEqual(
      creativeId({ ...KEY, itemId: 'a', promptVersion: 'b c' }),
      creativeId({ ...KEY, itemId: 'a b', promptVersion: 'c' }),
    );
  });
});
