import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { seededRandom } from '@tailor/kit';

import { betaSample, gammaSample } from './beta.js';

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i += 1) {
    const x = draw();
    sum += x;
    squares += x * x;
  }
  const mean = sum / n;
  return { mean, variance: squares / n - mean * mean };
}

describe('betaSample', () => {
  for (const [alpha, beta] of [
    [1, 1],
    [2, 5],
    [30, 970],
    [0.5, 0.5],
  ] as const) {
    it(`draws Beta(${alpha}, ${beta}) with its mean and variance`, () => {
      const random = seededRandom(alpha * 1000 + beta);
      const { mean, variance } = moments(() => betaSample(alpha, beta, random), 40_000);
      const expectedMean = alpha / (alpha + beta);
      const expectedVariance = (alpha * beta) / ((alpha + beta) ** 2 * (alpha + beta + 1));
      assert.ok(Math.abs(mean - expectedMean) < 0.01 * Math.max(expectedMean, 0.1), `mean ${mean}`);
      assert.ok(
        Math.abs(variance - expectedVariance) < 0.05 * expectedVariance,
        `variance ${variance} vs ${expectedVariance}`,
      );
    });
  }
});

describe('gammaSample', () => {
  it('refuses a shape that is not positive', () => {
    assert.throws(() => gammaSample(0, seededRandom(1)), /shape/);
  });
});
