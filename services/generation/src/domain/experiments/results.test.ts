import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { experimentResults, type UserOutcome } from './results.js';
import { normalCdf, twoProportionZTest, welchTest } from './stats.js';

function users(count: number, outcome: (index: number) => Partial<UserOutcome>): UserOutcome[] {
  return Array.from({ length: count }, (_, i) => ({
    impressions: 5,
    clicks: 0,
    converted: false,
    revenue: 0,
    ...outcome(i),
  }));
}

describe('the tests', () => {
  it('read the normal distribution', () => {
    assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
    assert.ok(Math.abs(normalCdf(-1) - 0.158655) < 1e-6);
  });

  it('compare two proportions as a textbook does', () => {
    // 50 of 1000 against 80 of 1000: z = 2.72, p = 0.0065.
    const result = twoProportionZTest(50, 1000, 80, 1000);
    assert.ok(Math.abs(result.statistic - 2.7211) < 1e-3, String(result.statistic));
    assert.ok(Math.abs(result.pValue - 0.0065) < 3e-4, String(result.pValue));
    assert.equal(twoProportionZTest(0, 0, 1, 2).pValue, 1);
  });

  it("compare two means with Welch's statistic", () => {
    const result = welchTest(
      { n: 100, mean: 10, variance: 25 },
      { n: 100, mean: 12, variance: 25 },
    );
    assert.ok(Math.abs(result.statistic - 2 / Math.sqrt(0.5)) < 1e-9);
    assert.ok(result.pValue < 0.01);
  });
});

describe('experimentResults', () => {
  it('reports each arm with intervals and no verdict when nothing differs', () => {
    const same = (i: number) => ({ clicks: i % 5 === 0 ? 1 : 0, converted: i % 10 === 0 });
    const results = experimentResults([
      { arm: 'control', users: users(200, same) },
      { arm: 'treatment', users: users(200, same) },
    ]);
    const [control, treatment] = results.arms;
    assert.equal(control?.users, 200);
    assert.equal(control?.exposures, 1000);
    assert.equal(control?.clicks, 40);
    assert.equal(control?.ctr.rate, 0.04);
    assert.ok(control!.ctr.low < 0.04 && control!.ctr.high > 0.04);
    assert.equal(treatment?.conversions, 20);
    assert.equal(results.comparisons.length, 3);
    assert.ok(results.comparisons.every((c) => !c.significant));
    assert.equal(results.verdict, null);
    assert.ok(Math.abs(results.alpha - 0.05 / 3) < 1e-12);
  });

  it('says in words which arm differs, on what, and by which test', () => {
    const results = experimentResults([
      { arm: 'control', users: users(400, (i) => ({ converted: i % 20 === 0 })) },
      {
        arm: 'treatment',
        users: users(400, (i) => ({ converted: i % 5 === 0, revenue: i % 5 === 0 ? 30 : 0 })),
      },
    ]);
    const conversion = results.comparisons.find((c) => c.metric === 'conversionRate')!;
    assert.ok(conversion.significant);
    assert.ok(Math.abs(conversion.difference - 0.15) < 1e-12);
    assert.match(
      results.verdict ?? '',
      /^Arm treatment has a higher conversion rate than control: 20\.0% against 5\.0% \(two-proportion z-test over users, p = [^)]+\)\. Arm treatment has a higher revenue per user than control: 6\.00 against 0\.00 \(Welch's test over users/,
    );
    assert.match(
      results.verdict ?? '',
      /significant at 1\.67% \(5% over 3 comparisons, Bonferroni\)/,
    );
    assert.equal(results.comparisons.find((c) => c.metric === 'ctr')?.significant, false);
  });

  it('calls nothing significant while an arm holds too little to test', () => {
    // 0 of 10 against 8 of 10 converted: p is tiny, but 4 expected conversions per arm at the
    // pooled rate is below the floor where the z-test's approximation holds.
    const results = experimentResults([
      { arm: 'control', users: users(10, () => ({})) },
      { arm: 'treatment', users: users(10, (i) => ({ converted: i < 8, revenue: i < 8 ? 5 : 0 })) },
    ]);
    const conversion = results.comparisons.find((c) => c.metric === 'conversionRate')!;
    assert.ok(conversion.pValue < results.alpha, String(conversion.pValue));
    assert.equal(conversion.enoughData, false);
    assert.equal(conversion.significant, false);
    assert.equal(results.comparisons.find((c) => c.metric === 'revenuePerUser')?.enoughData, false);
    assert.equal(results.verdict, null);
  });
});
