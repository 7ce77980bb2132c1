import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { pairedRatioInterval } from './stats.js';

describe('pairedRatioInterval', () => {
  const base = Array.from({ length: 400 }, (_, i) => (i % 5) / 4);

  describe('when the candidate is the base scaled up by a tenth on every unit', () => {
    it('gives 1.1 with an interval that holds nothing else', () => {
      const result = pairedRatioInterval(
        base.map((v) => v * 1.1),
        base,
      );
      assert.ok(Math.abs(result.ratio - 1.1) < 1e-12);
      assert.ok(Math.abs(result.low - 1.1) < 1e-9 && Math.abs(result.high - 1.1) < 1e-9);
    });
  });

  describe('when the candidate wins on a few units and loses on as many', () => {
    it('gives a ratio of 1 inside an interval on both sides of it', () => {
      // +0.5 on every 40th unit from 0 and 0.5 taken from every 40th from 2: the same mean.
      const candidate = base.map((v, i) => (i % 40 === 0 ? v + 0.5 : i % 40 === 2 ? 0 : v));
      const result = pairedRatioInterval(candidate, base);
      assert.ok(result.low < 1 && result.high > 1, JSON.stringify(result));
    });
  });

  describe('when the same seed is used twice', () => {
    it('draws the same interval', () => {
      const candidate = base.map((v, i) => (i % 3 === 0 ? v + 0.2 : v));
      assert.deepEqual(pairedRatioInterval(candidate, base), pairedRatioInterval(candidate, base));
    });
  });

  describe('when the samples differ in size', () => {
    it('says so', () =>
      assert.throws(() => pairedRatioInterval([1, 2], [1]), /differ in size: 2 and 1/));
  });
});
