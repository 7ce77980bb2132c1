import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { addScaledInPlace, cosine, dot, isZero, normalizeInPlace, unit } from './vectors.js';

describe('vector helpers', () => {
  describe('when a vector has no direction', () => {
    it('has no unit vector, is zero, and has cosine 0 with anything', () => {
      assert.equal(unit([0, 0]), null);
      assert.equal(isZero(new Float32Array(3)), true);
      assert.equal(isZero([0, 1e-9]), false);
      assert.equal(cosine([0, 0], [1, 0]), 0);
    });

    it('stays zero when normalized in place', () => {
      assert.deepEqual([...normalizeInPlace(new Float32Array(2))], [0, 0]);
    });
  });

  describe('when vectors differ in length', () => {
    it('refuses to compare them', () => {
      assert.throws(() => cosine([1, 0], [1, 0, 0]), RangeError);
      assert.throws(() => dot([1], [1, 0]), RangeError);
      assert.throws(() => addScaledInPlace(new Float64Array(2), [1], 1), RangeError);
    });
  });

  describe('when a vector has a direction', () => {
    it('scales it to length 1, in the storage type asked for', () => {
      const doubles = unit([3, 4])!;
      const floats = unit([3, 4], Float32Array)!;
      assert.ok(doubles instanceof Float64Array);
      assert.ok(floats instanceof Float32Array);
      assert.deepEqual([...doubles], [0.6, 0.8]);
      assert.deepEqual([...normalizeInPlace(Float64Array.of(3, 4))], [0.6, 0.8]);
      assert.ok(Math.abs(cosine([1, 1], [2, 2]) - 1) < 1e-12);
    });
  });
});
