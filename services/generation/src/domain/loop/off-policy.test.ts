import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { seededRandom } from '@tailor/kit';

import { type Angle, ANGLES } from './angles.js';
import { drawIndex } from './bandit.js';
import { type LoggedDecision, offPolicyEstimate, within } from './off-policy.js';

const CLICK_RATE: Record<Angle, number> = {
  interest: 0.3,
  value: 0.1,
  popularity: 0.05,
  novelty: 0.15,
};
const UNIFORM_MEAN = (0.3 + 0.1 + 0.05 + 0.15) / 4;

/** Decisions logged by a policy choosing arm i with `probabilities[i]`, rewards from CLICK_RATE. */
function logged(
  probabilities: readonly number[],
  n: number,
  seed: number,
): LoggedDecision<Angle>[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const index = drawIndex(probabilities, random);
    const arm = ANGLES[index]!;
    return {
      context: 'b',
      arm,
      propensity: probabilities[index]!,
      reward: random() < CLICK_RATE[arm] ? 1 : 0,
    };
  });
}

const uniform = () => 1 / ANGLES.length;

/** Share of 300 independent logs of 3,000 decisions whose interval holds `truth`. */
function coverage(
  probabilities: readonly number[],
  target: (context: string, arm: Angle) => number,
  truth: number,
  seed: number,
): { ips: number; snips: number } {
  const runs = 300;
  let ips = 0;
  let snips = 0;
  for (let run = 0; run < runs; run += 1) {
    const estimate = offPolicyEstimate(logged(probabilities, 3000, seed * 10_000 + run), target);
    if (within(estimate.ips, truth)) ips += 1;
    if (within(estimate.snips, truth)) snips += 1;
  }
  return { ips: ips / runs, snips: snips / runs };
}

describe('offPolicyEstimate', () => {
  describe('when the log is a uniform policy’s and the target is the same policy', () => {
    it('recovers its mean: every weight is 1', () => {
      const log = logged([0.25, 0.25, 0.25, 0.25], 20_000, 1);
      const mean = log.reduce((sum, d) => sum + d.reward, 0) / log.length;
      const estimate = offPolicyEstimate(log, uniform);
      assert.ok(Math.abs(estimate.ips.estimate - mean) < 1e-12);
      assert.ok(Math.abs(estimate.snips.estimate - mean) < 1e-12);
      assert.ok(within(estimate.ips, UNIFORM_MEAN), 'the interval holds the true mean');
      assert.equal(Math.round(estimate.effectiveSampleSize), log.length);
    });
  });

  describe('when the log is uniform and the target always shows one arm', () => {
    it('estimates that arm’s rate, its 95% interval holding it about 95% of the time', () => {
      const always = (_: string, arm: Angle) => (arm === 'interest' ? 1 : 0);
      const { ips, snips } = coverage([0.25, 0.25, 0.25, 0.25], always, 0.3, 1);
      assert.ok(ips > 0.9 && ips < 0.99, `IPS interval held it in ${ips}`);
      assert.ok(snips > 0.9 && snips < 0.99, `SNIPS interval held it in ${snips}`);
    });
  });

  describe('when the log is skewed toward one arm, as a bandit’s is', () => {
    it('estimates the uniform policy, where the plain mean of the log is far off', () => {
      const log = logged([0.85, 0.05, 0.05, 0.05], 40_000, 3);
      const naive = log.reduce((sum, d) => sum + d.reward, 0) / log.length;
      const estimate = offPolicyEstimate(log, uniform);
      assert.ok(!within(estimate.ips, naive), 'the plain mean is outside the interval');
      assert.ok(Math.abs(estimate.ips.estimate - UNIFORM_MEAN) < 0.01);
      assert.ok(estimate.effectiveSampleSize < log.length / 2, 'uneven weights cost samples');
      assert.equal(estimate.maxWeight, 5);
    });

    it('has 95% intervals that hold the uniform policy’s mean about 95% of the time', () => {
      const { ips, snips } = coverage([0.85, 0.05, 0.05, 0.05], uniform, UNIFORM_MEAN, 2);
      assert.ok(ips > 0.9 && ips < 0.99, `IPS interval held it in ${ips}`);
      assert.ok(snips > 0.9 && snips < 0.99, `SNIPS interval held it in ${snips}`);
    });
  });

  describe('with a bad log', () => {
    it('names the decision whose propensity is impossible', () => {
      const log = logged([0.25, 0.25, 0.25, 0.25], 3, 4);
      log[2] = { ...log[2]!, propensity: 0 };
      assert.throws(() => offPolicyEstimate(log, uniform), /decision 2: propensity/);
      assert.throws(() => offPolicyEstimate([], uniform), /needs logged decisions/);
    });
  });
});
