/** One logged decision: the context, the arm shown, the probability it was shown with, the reward. */
export interface LoggedDecision<A extends string> {
  context: string;
  arm: A;
  /** The logging policy's probability of `arm` in `context`, in (0, 1]. */
  propensity: number;
  reward: number;
}

/** The probability a target policy would have shown `arm` in `context`. */
export type TargetPolicy<A extends string> = (context: string, arm: A) => number;

/** An estimate with its normal-approximation confidence interval. */
export interface Interval {
  estimate: number;
  standardError: number;
  low: number;
  high: number;
}

/** What {@link offPolicyEstimate} returns. */
export interface OffPolicyEstimate {
  decisions: number;
  /** Inverse propensity scoring: the mean of w·r, w = target / logging probability. Unbiased. */
  ips: Interval;
  /**
   * Self-normalized IPS: Σ w·r / Σ w. Slightly biased, much lower variance when weights are
   * uneven, and always inside the range of the rewards.
   */
  snips: Interval;
  /** (Σ w)² / Σ w²: how many uniformly weighted decisions the estimate is worth. */
  effectiveSampleSize: number;
  maxWeight: number;
}

/** z of a two-sided 95% interval. */
export const Z_95 = 1.959964;

/**
 * How a target policy would have done on the logged contexts, from decisions made by another
 * (Horvitz–Thompson / inverse propensity scoring, and its self-normalized form). Needs the
 * target to put weight only where the logger had some: an exploration floor on the logger
 * guarantees it. The intervals are normal approximations (the sample standard error of w·r for
 * IPS, the delta method for SNIPS), fair when the effective sample size is in the hundreds.
 */
export function offPolicyEstimate<A extends string>(
  log: readonly LoggedDecision<A>[],
  target: TargetPolicy<A>,
  z: number = Z_95,
): OffPolicyEstimate {
  if (log.length === 0) throw new RangeError('an off-policy estimate needs logged decisions');
  const weights = log.map((decision, index) => {
    if (!(decision.propensity > 0 && decision.propensity <= 1))
      throw new RangeError(
        `decision ${index}: propensity must be in (0, 1], got ${decision.propensity}`,
      );
    return target(decision.context, decision.arm) / decision.propensity;
  });
  const n = log.length;
  let sumW = 0;
  let sumW2 = 0;
  let sumWR = 0;
  let maxWeight = 0;
  for (let i = 0; i < n; i += 1) {
    const w = weights[i]!;
    sumW += w;
    sumW2 += w * w;
    sumWR += w * log[i]!.reward;
    maxWeight = Math.max(maxWeight, w);
  }
  const ips = sumWR / n;
  let ipsSquares = 0;
  for (let i = 0; i < n; i += 1) ipsSquares += (weights[i]! * log[i]!.reward - ips) ** 2;
  const ipsError = n > 1 ? Math.sqrt(ipsSquares / (n - 1) / n) : Number.POSITIVE_INFINITY;

  const snips = sumW > 0 ? sumWR / sumW : 0;
  let snipsSquares = 0;
  for (let i = 0; i < n; i += 1) snipsSquares += (weights[i]! * (log[i]!.reward - snips)) ** 2;
  const snipsError = sumW > 0 ? Math.sqrt(snipsSquares) / sumW : Number.POSITIVE_INFINITY;

  return {
    decisions: n,
    ips: interval(ips, ipsError, z),
    snips: interval(snips, snipsError, z),
    effectiveSampleSize: sumW2 > 0 ? (sumW * sumW) / sumW2 : 0,
    maxWeight,
  };
}

function interval(estimate: number, standardError: number, z: number): Interval {
  return {
    estimate,
    standardError,
    low: estimate - z * standardError,
    high: estimate + z * standardError,
  };
}

/** True when `value` lies inside the interval (bounds included). */
export function within(interval: Interval, value: number): boolean {
  return value >= interval.low && value <= interval.high;
}
