import type { RandomSource } from '@tailor/kit';

import { betaSample } from './beta.js';

/** What is known of one arm in one context bucket. */
export interface ArmStats {
  /** Times the arm was shown. */
  impressions: number;
  /** Sum of the rewards attributed to those impressions, each in [0, 1]. */
  reward: number;
}

/** A Beta distribution's two parameters. */
export interface BetaParameters {
  alpha: number;
  beta: number;
}

/** How the bandit explores. Every field is a setting of the service (see its README). */
export interface BanditSettings {
  /**
   * The least probability any available arm is chosen with, however sure the posteriors are
   * (capped at 1/arms). It keeps every arm's estimate alive when tastes drift, and it bounds
   * inverse-propensity weights at 1/floor, which is what makes off-policy estimates from the
   * log usable.
   */
  minArmProbability: number;
  /**
   * Posterior draws per choice. Thompson sampling chooses an arm with the probability that its
   * draw is the highest; that probability has no closed form for Beta posteriors, so it is
   * estimated from this many joint draws (see {@link chooseArm}).
   */
  propensityDraws: number;
  /**
   * Pseudo-observations a bucket borrows from the same arm across all buckets, at most. A new
   * bucket (a surface or category never seen) then starts from what works elsewhere instead of
   * from a flat prior; once its own counts grow past this, they dominate.
   */
  priorStrength: number;
  /**
   * Pseudo-observations of the bucket a shopper's own estimate of an arm starts from: the
   * shopper's clicks move it by their share of `shopperPriorStrength + own impressions`. Low,
   * and a shopper's few clicks of chance swing their choices; high, and their taste shows only
   * after many showings. 0 chooses by the bucket alone.
   */
  shopperPriorStrength: number;
}

export const DEFAULT_BANDIT_SETTINGS: Readonly<BanditSettings> = Object.freeze({
  minArmProbability: 0.02,
  propensityDraws: 64,
  priorStrength: 20,
  shopperPriorStrength: 50,
});

/** Checks settings the way the service's config does, naming the field that is wrong. */
export function checkBanditSettings(settings: BanditSettings): BanditSettings {
  const { minArmProbability, propensityDraws, priorStrength, shopperPriorStrength } = settings;
  if (!(minArmProbability >= 0 && minArmProbability <= 0.5))
    throw new RangeError(`minArmProbability must be from 0 to 0.5, got ${minArmProbability}`);
  if (!(Number.isInteger(propensityDraws) && propensityDraws >= 1 && propensityDraws <= 100_000))
    throw new RangeError(`propensityDraws must be an integer from 1 to 100000`);
  if (!(priorStrength >= 0 && Number.isFinite(priorStrength)))
    throw new RangeError(`priorStrength must be a finite number ≥ 0, got ${priorStrength}`);
  if (!(shopperPriorStrength >= 0 && Number.isFinite(shopperPriorStrength)))
    throw new RangeError(
      `shopperPriorStrength must be a finite number ≥ 0, got ${shopperPriorStrength}`,
    );
  return settings;
}

/** One choice and the probability it was made with. */
export interface ArmChoice<A extends string> {
  arm: A;
  /** The probability the policy gave the chosen arm in this context: what the log must keep. */
  propensity: number;
  /** The probability of every available arm (they sum to 1). */
  probabilities: ReadonlyMap<A, number>;
}

/**
 * Where a choice is made, coarse to fine: `[bucket]`, or `[bucket, user]` to learn each user's
 * own taste on top of their bucket's. Every level's counts are kept, so the posterior of a
 * fine context leans on the coarser ones until it has evidence of its own.
 */
export type ContextPath = readonly string[];

const NO_STATS: Readonly<ArmStats> = Object.freeze({ impressions: 0, reward: 0 });

/**
 * Beta posteriors of a Bernoulli-like reward, per (context, arm). Rewards are in [0, 1]
 * (weights per event type, see rewards.ts) and update the posterior fractionally: an impression
 * adds one trial, its reward r adds r to alpha and 1 − r to beta. An impression counts as a
 * failure until its reward arrives, the usual handling of delayed feedback.
 *
 * Partial pooling down the context path: the arm's evidence over all contexts, minus the
 * bucket's, is the bucket's prior, shrunk to at most `priorStrength` pseudo-observations; the
 * bucket's evidence minus the user's is the user's prior, shrunk the same way. Sparse contexts
 * lean on the population, full ones speak for themselves, and no count is used twice.
 */
export class BetaPosteriors<A extends string> {
  /** Counts per context prefix (joined with NUL; '' is every context) and arm. */
  private readonly nodes = new Map<string, Map<A, ArmStats>>();

  constructor(private readonly priorStrength: number = DEFAULT_BANDIT_SETTINGS.priorStrength) {}

  recordImpression(context: string | ContextPath, arm: A): void {
    this.add(pathOf(context), arm, 1, 0);
  }

  /** Adds a reward (clamped to [0, 1]) to an impression of `arm` already recorded. */
  recordReward(context: string | ContextPath, arm: A, reward: number): void {
    const clamped = Math.min(1, Math.max(0, reward));
    if (clamped > 0) this.add(pathOf(context), arm, 0, clamped);
  }

  /** The counts of one arm in one context, its finer contexts included (zeros when never shown). */
  stats(context: string | ContextPath, arm: A): ArmStats {
    return { ...this.counts(pathOf(context), arm) };
  }

  /** The counts of one arm over every context. */
  pooledStats(arm: A): ArmStats {
    return this.stats([], arm);
  }

  posterior(context: string | ContextPath, arm: A): BetaParameters {
    const path = pathOf(context);
    let mean = 0;
    let evidence = 0;
    for (let level = 0; ; level += 1) {
      const here = this.counts(path.slice(0, level), arm);
      const finer = level < path.length ? this.counts(path.slice(0, level + 1), arm) : NO_STATS;
      // This level's evidence without the finer context's own, which comes in below.
      const trials = Math.max(0, here.impressions - finer.impressions);
      const reward = Math.min(trials, Math.max(0, here.reward - finer.reward));
      // The flat Beta(1, 1) only where nothing coarser is known: at rates of a few percent its
      // two pseudo-counts would otherwise pull every context's mean toward one half.
      const weight = Math.min(this.priorStrength, evidence);
      const flat = weight > 0 ? 0 : 1;
      const alpha = flat + weight * mean + reward;
      const beta = flat + weight * (1 - mean) + (trials - reward);
      if (level === path.length) return { alpha, beta };
      mean = alpha / (alpha + beta);
      evidence = weight + trials;
    }
  }

  private counts(path: ContextPath, arm: A): Readonly<ArmStats> {
    return this.nodes.get(path.join('\u0000'))?.get(arm) ?? NO_STATS;
  }

  private add(path: ContextPath, arm: A, impressions: number, reward: number): void {
    for (let level = 0; level <= path.length; level += 1) {
      const key = path.slice(0, level).join('\u0000');
      let arms = this.nodes.get(key);
      if (arms === undefined) {
        arms = new Map();
        this.nodes.set(key, arms);
      }
      const stats = arms.get(arm) ?? { impressions: 0, reward: 0 };
      stats.impressions += impressions;
      stats.reward += reward;
      arms.set(arm, stats);
    }
  }
}

function pathOf(context: string | ContextPath): ContextPath {
  return typeof context === 'string' ? [context] : context;
}

/**
 * Thompson sampling with an exploration floor, and the exact propensity of the choice.
 *
 * Plain Thompson sampling draws once from each posterior and shows the arm with the highest
 * draw. The probability of that choice, P(arm's draw is the highest), is an integral over the
 * Beta densities with no closed form, and off-policy estimates need it in the log. So the
 * choice is made in two steps: `propensityDraws` joint draws give a Monte-Carlo estimate q of
 * Thompson sampling's choice probabilities (the share of draws each arm wins); the floor mixes
 * in the uniform choice, p = f·K·(1/K) + (1 − f·K)·q with f = min(minArmProbability, 1/K);
 * then the arm is drawn from p. The logged propensity p(arm) is then the exact probability the
 * arm was chosen with, not an estimate of it: the Monte-Carlo error only makes the policy a
 * slightly noisier Thompson sampler (with M draws q is off by about √(q(1−q)/M)), it never
 * biases an inverse-propensity estimate. Every arm keeps at least f, so weights stay ≤ 1/f.
 *
 * With `shopper` (that shopper's own counts in this bucket, see `ShopperEvidence`), each draw
 * θ of the bucket's rate becomes the shopper's estimate given it,
 * (S·θ + reward) / (S + impressions) with S = `shopperPriorStrength`: the posterior mean of a
 * shopper whose rate is Beta-distributed around their bucket's with strength S. Only the
 * bucket is sampled, never the shopper: exploration is paid once per bucket, shared by all its
 * shoppers, instead of again for every shopper (a draw per shopper made each new shopper's
 * choices as wide as their few showings, which measured worse than the bucket alone in
 * `bench:loop`). A shopper's taste then wins only as far as their own evidence outweighs the
 * bucket's.
 */
export function chooseArm<A extends string>(
  posteriors: BetaPosteriors<A>,
  context: string | ContextPath,
  arms: readonly A[],
  settings: BanditSettings,
  random: RandomSource,
  shopper?: ReadonlyMap<A, Readonly<ArmStats>>,
): ArmChoice<A> {
  if (arms.length === 0) throw new RangeError('chooseArm needs at least one arm');
  if (new Set(arms).size !== arms.length) throw new RangeError('chooseArm needs distinct arms');
  const parameters = arms.map((arm) => posteriors.posterior(context, arm));
  const strength = settings.shopperPriorStrength;
  const own =
    shopper === undefined || strength <= 0
      ? undefined
      : arms.map((arm) => shopper.get(arm) ?? NO_STATS);
  const wins = new Array<number>(arms.length).fill(0);
  for (let draw = 0; draw < settings.propensityDraws; draw += 1) {
    let best = 0;
    let bestValue = -1;
    for (let i = 0; i < parameters.length; i += 1) {
      const { alpha, beta } = parameters[i]!;
      let value = betaSample(alpha, beta, random);
      const mine = own?.[i];
      if (mine !== undefined && mine.impressions > 0)
        value = (strength * value + mine.reward) / (strength + mine.impressions);
      if (value > bestValue) {
        best = i;
        bestValue = value;
      }
    }
    wins[best]! += 1;
  }
  const floor = Math.min(settings.minArmProbability, 1 / arms.length);
  const explore = floor * arms.length;
  const probabilities = wins.map((won) => floor + (1 - explore) * (won / settings.propensityDraws));
  const chosen = drawIndex(probabilities, random);
  return {
    arm: arms[chosen]!,
    propensity: probabilities[chosen]!,
    probabilities: new Map(arms.map((arm, i) => [arm, probabilities[i]!])),
  };
}

/** An index drawn with the given probabilities (they should sum to 1; the last takes any rest). */
export function drawIndex(probabilities: readonly number[], random: RandomSource): number {
  let at = random();
  for (let i = 0; i < probabilities.length; i += 1) {
    at -= probabilities[i]!;
    if (at < 0) return i;
  }
  return probabilities.length - 1;
}
