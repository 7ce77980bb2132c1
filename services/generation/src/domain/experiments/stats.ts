/**
 * The standard normal CDF, by the Abramowitz–Stegun 7.1.26 approximation of erf (absolute
 * error under 1.5e-7): ample for p-values read against 0.05.
 */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Two-sided p-value of a z statistic. */
export function twoSidedP(z: number): number {
  return Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
}

/** A test's statistic and two-sided p-value; p = 1 when there is nothing to compare. */
export interface TestResult {
  statistic: number;
  pValue: number;
}

/**
 * Two-proportion z-test with the pooled proportion: are `s1/n1` and `s2/n2` the same rate?
 * Fair when each arm has a handful of successes and failures; below that p stays large.
 */
export function twoProportionZTest(s1: number, n1: number, s2: number, n2: number): TestResult {
  if (n1 === 0 || n2 === 0) return { statistic: 0, pValue: 1 };
  const pooled = (s1 + s2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { statistic: 0, pValue: 1 };
  const z = (s2 / n2 - s1 / n1) / se;
  return { statistic: z, pValue: twoSidedP(z) };
}

/** Mean, sample variance and count of a sample. */
export interface Moments {
  n: number;
  mean: number;
  /** Sample variance (n − 1 in the denominator); 0 below two values. */
  variance: number;
}

export function moments(values: readonly number[]): Moments {
  const n = values.length;
  if (n === 0) return { n: 0, mean: 0, variance: 0 };
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  const variance = n < 2 ? 0 : values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1);
  return { n, mean, variance };
}

/**
 * Welch's test of two means with unequal variances, its statistic read on the normal
 * distribution: arms are compared at hundreds of users, where Student's t and the normal agree
 * to the second decimal of p.
 */
export function welchTest(a: Moments, b: Moments): TestResult {
  if (a.n < 2 || b.n < 2) return { statistic: 0, pValue: 1 };
  const se = Math.sqrt(a.variance / a.n + b.variance / b.n);
  if (se === 0) return { statistic: 0, pValue: 1 };
  const z = (b.mean - a.mean) / se;
  return { statistic: z, pValue: twoSidedP(z) };
}
