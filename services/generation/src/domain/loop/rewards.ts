import type { EventType } from '@tailor/kit';

/**
 * The reward one event attributed to an impression is worth, in [0, 1]. Types not listed
 * (views, impressions, dislikes, skips) are worth 0: an impression that only earned those
 * counts as a failure.
 */
export type RewardWeights = Readonly<Partial<Record<EventType, number>>>;

/**
 * Defaults: a purchase is the goal; adding to the cart, liking and sharing are most of the
 * way; a click is half. Rewards are capped at 1 per impression, so a click followed by a
 * purchase is worth a purchase, not more: a Beta posterior models one trial per impression.
 */
export const DEFAULT_REWARD_WEIGHTS: RewardWeights = Object.freeze({
  click: 0.5,
  like: 0.8,
  share: 0.8,
  add_to_cart: 0.8,
  purchase: 1,
});

/** Checks configured weights, naming the event type whose weight is out of range. */
export function checkRewardWeights(weights: RewardWeights): RewardWeights {
  for (const [type, weight] of Object.entries(weights)) {
    if (!(typeof weight === 'number' && weight >= 0 && weight <= 1))
      throw new RangeError(`reward weight of ${type} must be from 0 to 1, got ${String(weight)}`);
  }
  return weights;
}

/** The reward of one impression: the best of the events attributed to it, at most 1. */
export function impressionReward(types: Iterable<EventType>, weights: RewardWeights): number {
  let reward = 0;
  for (const type of types) reward = Math.max(reward, weights[type] ?? 0);
  return Math.min(1, reward);
}
