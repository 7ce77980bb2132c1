import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { decayFactor, MS_PER_HOUR } from './decay.js';

describe('decayFactor', () => {
  describe('when time passes', () => {
    it('halves per half-life', () => {
      assert.equal(decayFactor(720 * MS_PER_HOUR, 720 * MS_PER_HOUR), 0.5);
      assert.equal(decayFactor(1440 * MS_PER_HOUR, 720 * MS_PER_HOUR), 0.25);
      assert.equal(decayFactor(30 * 60_000, 30 * 60_000), 0.5);
    });

    it('is 2^(−Δt/halfLife) between half-lives', () => {
      assert.ok(Math.abs(decayFactor(360 * MS_PER_HOUR, 720 * MS_PER_HOUR) - Math.SQRT1_2) < 1e-15);
      assert.equal(decayFactor(1, 3), 2 ** (-1 / 3));
    });

    it('reaches 0 without NaN after very long', () => {
      assert.equal(decayFactor(Number.MAX_SAFE_INTEGER, 1), 0);
    });
  });

  describe('when no time or negative time passes', () => {
    it('is 1', () => {
      assert.equal(decayFactor(0, 1000), 1);
      assert.equal(decayFactor(-5000, 1000), 1);
    });
  });

  describe('when the half-life is not positive', () => {
    it('throws', () => {
      assert.throws(() => decayFactor(1, 0), RangeError);
      assert.throws(() => decayFactor(1, -1), RangeError);
      assert.throws(() => decayFactor(1, Number.NaN), RangeError);
    });
  });
});
