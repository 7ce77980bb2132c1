import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { tagSpecificity } from './specificity.js';

describe('tagSpecificity', () => {
  describe('when a tag is on one item of many', () => {
    it('is 1', () => {
      assert.equal(tagSpecificity(1, 360), 1);
    });
  });

  describe('when a tag is on more items', () => {
    it('falls, and a merchandising tag on a quarter of the catalog weighs far less', () => {
      const tennis = tagSpecificity(3, 360);
      const adventure = tagSpecificity(18, 360);
      const premium = tagSpecificity(89, 360);
      assert.ok(tennis > adventure && adventure > premium);
      assert.ok(premium < 0.25, `premium ${premium}`);
      assert.ok(adventure > 2 * premium);
    });
  });

  describe('when a tag is on every item', () => {
    it('is small but above 0, even in a tiny catalog', () => {
      const everywhere = tagSpecificity(3, 3);
      assert.ok(everywhere > 0 && everywhere < 0.25, `${everywhere}`);
      assert.equal(tagSpecificity(1, 1), 1);
    });
  });

  describe('when counts are out of range (an item count that moved meanwhile)', () => {
    it('stays within (0, 1]', () => {
      for (const [df, n] of [
        [0, 10],
        [20, 10],
        [5, 0],
      ] as const) {
        const s = tagSpecificity(df, n);
        assert.ok(s > 0 && s <= 1, `${df}/${n}: ${s}`);
      }
    });
  });
});
