import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { blendQueryVector } from './query-vector.js';

const close = (actual: ArrayLike<number>, expected: number[]) => {
  assert.equal(actual.length, expected.length);
  expected.forEach((x, i) =>
    assert.ok(Math.abs(actual[i]! - x) < 1e-6, `[${i}] ${actual[i]} ≠ ${x}`),
  );
};

describe('blendQueryVector', () => {
  describe('when both parts have a direction', () => {
    it('mixes their unit vectors α to 1−α and normalizes the result', () => {
      // unit(short) = [0, 1], unit(long) = [1, 0]; 0.35·[0,1] + 0.65·[1,0] = [0.65, 0.35].
      const blended = blendQueryVector([10, 0], [0, 0.5], 0.35)!;
      const length = Math.hypot(0.65, 0.35);
      close(blended, [0.65 / length, 0.35 / length]);
    });

    it('ignores how long each part is', () => {
      close(blendQueryVector([100, 0], [0, 1], 0.5)!, [Math.SQRT1_2, Math.SQRT1_2]);
    });

    it('falls back to the long-term part when the two cancel out', () => {
      close(blendQueryVector([1, 0], [-1, 0], 0.5)!, [1, 0]);
    });
  });

  describe('when one part is zero or missing', () => {
    it('uses the long-term part alone', () => {
      close(blendQueryVector([0, 3], [0, 0], 0.35)!, [0, 1]);
    });

    it('uses the short-term part alone', () => {
      close(blendQueryVector(undefined, [4, 3], 0.35)!, [0.8, 0.6]);
    });
  });

  describe('when both parts are zero', () => {
    it('returns null (cold start)', () => {
      assert.equal(blendQueryVector([0, 0], [0, 0], 0.35), null);
      assert.equal(blendQueryVector(undefined, undefined, 0.35), null);
    });
  });
});
