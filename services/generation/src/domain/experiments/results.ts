import { type Rate, wilson } from '../loop/attribution.js';
import { type Interval, Z_95 } from '../loop/off-policy.js';
import { type Moments, moments, type TestResult, twoProportionZTest, welchTest } from './stats.js';

/** What one exposed user did while in an arm, from their first exposure to the stop. */
export interface UserOutcome {
  /** Items shown to them in lists of the experiment. */
  impressions: number;
  /** Clicks on those lists (events naming one of their recommendation ids). */
  clicks: number;
  /** Whether they added to the cart or bought anything after their first exposure. */
  converted: boolean;
  /** Sum of their purchases' values after their first exposure. */
  revenue: number;
}

/** The outcome of every exposed user of one arm. */
export interface ArmOutcomes {
  arm: string;
  users: readonly UserOutcome[];
}

/** Per-arm figures with their 95% intervals. */
export interface ArmResult {
  arm: string;
  /** Users shown at least one list in the arm. */
  users: number;
  /** Items shown in the arm's lists (impressions). */
  exposures: number;
  clicks: number;
  /** Clicks per exposure, with Wilson's interval. */
  ctr: Rate;
  /** Users who converted. */
  conversions: number;
  /** Converted users per exposed user, with Wilson's interval. */
  conversionRate: Rate;
  revenue: number;
  /** Revenue per exposed user, with a normal interval on the sample's standard error. */
  revenuePerUser: Interval;
}

export const EXPERIMENT_METRICS = ['ctr', 'conversionRate', 'revenuePerUser'] as const;
export type ExperimentMetric = (typeof EXPERIMENT_METRICS)[number];

/** Which test each metric is compared with, as the verdict names it. */
export const METRIC_TESTS: Readonly<Record<ExperimentMetric, string>> = {
  ctr: 'two-proportion z-test over exposures',
  conversionRate: 'two-proportion z-test over users',
  revenuePerUser: "Welch's test over users",
};

const METRIC_WORDS: Readonly<Record<ExperimentMetric, string>> = {
  ctr: 'click-through rate',
  conversionRate: 'conversion rate',
  revenuePerUser: 'revenue per user',
};

/** One arm against the baseline (the first arm) on one metric. */
export interface ArmComparison {
  metric: ExperimentMetric;
  arm: string;
  baseline: string;
  /** The arm's value minus the baseline's. */
  difference: number;
  test: string;
  statistic: number;
  pValue: number;
  /**
   * Whether the arms hold enough to trust the test's normal approximation: for a rate, at
   * least {@link MIN_EXPECTED_COUNT} expected successes and failures in each arm at the pooled
   * rate; for revenue, at least {@link MIN_USERS_FOR_MEANS} users in each arm.
   */
  enoughData: boolean;
  /** Enough data and p below the corrected level (see {@link ExperimentResults.alpha}). */
  significant: boolean;
}

/**
 * Fewest successes and failures each arm must be expected to hold at the pooled rate before a
 * difference of rates may be called significant: below it the z-test's normal approximation
 * can read a chance difference as a real one.
 */
export const MIN_EXPECTED_COUNT = 5;

/** Fewest users each arm needs before a difference of revenue per user may be significant. */
export const MIN_USERS_FOR_MEANS = 30;

function enoughForRates(s1: number, n1: number, s2: number, n2: number): boolean {
  if (n1 === 0 || n2 === 0) return false;
  const pooled = (s1 + s2) / (n1 + n2);
  const rarer = Math.min(pooled, 1 - pooled);
  return Math.min(n1, n2) * rarer >= MIN_EXPECTED_COUNT;
}

/** What an experiment's results say. */
export interface ExperimentResults {
  arms: ArmResult[];
  comparisons: ArmComparison[];
  /**
   * The level each comparison's p is held to: 5% divided by the number of comparisons
   * (Bonferroni), so the chance of any false "significant" stays at most 5%.
   */
  alpha: number;
  /** Plain words on every significant difference; null when there is none. */
  verdict: string | null;
}

/** The family-wise error rate the verdict keeps. */
export const FAMILY_ALPHA = 0.05;

/**
 * Results per arm and each arm against the first (the baseline), on click-through rate,
 * conversion rate and revenue per user. The user is the unit of assignment, so conversion and
 * revenue are tested over users; click-through is tested over exposures, which treats a user's
 * impressions as independent and so reads somewhat more significant than it is when a few
 * users see many lists.
 */
export function experimentResults(outcomes: readonly ArmOutcomes[]): ExperimentResults {
  const arms = outcomes.map(armResult);
  const revenue = new Map<string, Moments>(
    outcomes.map((o) => [o.arm, moments(o.users.map((u) => u.revenue))]),
  );
  const baseline = arms[0];
  const comparisons: ArmComparison[] = [];
  const count = Math.max(1, (arms.length - 1) * EXPERIMENT_METRICS.length);
  const alpha = FAMILY_ALPHA / count;
  if (baseline !== undefined) {
    for (const arm of arms.slice(1)) {
      const tests: Record<ExperimentMetric, [number, TestResult, boolean]> = {
        ctr: [
          arm.ctr.rate - baseline.ctr.rate,
          twoProportionZTest(baseline.clicks, baseline.exposures, arm.clicks, arm.exposures),
          enoughForRates(baseline.clicks, baseline.exposures, arm.clicks, arm.exposures),
        ],
        conversionRate: [
          arm.conversionRate.rate - baseline.conversionRate.rate,
          twoProportionZTest(baseline.conversions, baseline.users, arm.conversions, arm.users),
          enoughForRates(baseline.conversions, baseline.users, arm.conversions, arm.users),
        ],
        revenuePerUser: [
          arm.revenuePerUser.estimate - baseline.revenuePerUser.estimate,
          welchTest(revenue.get(baseline.arm)!, revenue.get(arm.arm)!),
          Math.min(baseline.users, arm.users) >= MIN_USERS_FOR_MEANS,
        ],
      };
      for (const metric of EXPERIMENT_METRICS) {
        const [difference, result, enoughData] = tests[metric];
        comparisons.push({
          metric,
          arm: arm.arm,
          baseline: baseline.arm,
          difference,
          test: METRIC_TESTS[metric],
          statistic: result.statistic,
          pValue: result.pValue,
          enoughData,
          significant: enoughData && result.pValue < alpha,
        });
      }
    }
  }
  return { arms, comparisons, alpha, verdict: verdictOf(arms, comparisons, alpha) };
}

function armResult(outcomes: ArmOutcomes): ArmResult {
  let exposures = 0;
  let clicks = 0;
  let conversions = 0;
  let revenue = 0;
  for (const user of outcomes.users) {
    exposures += user.impressions;
    // A click is one trial's success: more clicks than impressions would leave [0, 1].
    clicks += Math.min(user.clicks, user.impressions);
    if (user.converted) conversions += 1;
    revenue += user.revenue;
  }
  const users = outcomes.users.length;
  const perUser = moments(outcomes.users.map((u) => u.revenue));
  const se = users > 1 ? Math.sqrt(perUser.variance / users) : 0;
  return {
    arm: outcomes.arm,
    users,
    exposures,
    clicks,
    ctr: wilson(clicks, exposures),
    conversions,
    conversionRate: wilson(conversions, users),
    revenue,
    revenuePerUser: {
      estimate: perUser.mean,
      standardError: se,
      low: Math.max(0, perUser.mean - Z_95 * se),
      high: perUser.mean + Z_95 * se,
    },
  };
}

function verdictOf(
  arms: readonly ArmResult[],
  comparisons: readonly ArmComparison[],
  alpha: number,
): string | null {
  const significant = comparisons.filter((c) => c.significant);
  if (significant.length === 0) return null;
  const byName = new Map(arms.map((a) => [a.arm, a]));
  const sentences = significant.map((c) => {
    const arm = byName.get(c.arm)!;
    const base = byName.get(c.baseline)!;
    const [mine, theirs] =
      c.metric === 'revenuePerUser'
        ? [arm.revenuePerUser.estimate.toFixed(2), base.revenuePerUser.estimate.toFixed(2)]
        : [percent(arm[c.metric].rate), percent(base[c.metric].rate)];
    const direction = c.difference > 0 ? 'higher' : 'lower';
    return (
      `Arm ${c.arm} has a ${direction} ${METRIC_WORDS[c.metric]} than ${c.baseline}: ` +
      `${mine} against ${theirs} (${c.test}, p = ${formatP(c.pValue)}).`
    );
  });
  return `${sentences.join(' ')} Each difference is significant at ${formatLevel(alpha)} (5% over ${comparisons.length} comparisons, Bonferroni).`;
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

function formatP(p: number): string {
  return p < 0.0001 ? '< 0.0001' : p.toPrecision(2);
}

function formatLevel(alpha: number): string {
  return `${Number((alpha * 100).toPrecision(3))}%`;
}
