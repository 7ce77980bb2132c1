import type { EventType, UserEvent } from '@tailor/kit';

/** Event types whose weight is one number; rating and dwell derive theirs from `value`. */
export const FLAT_WEIGHT_TYPES = [
  'view',
  'click',
  'add_to_cart',
  'purchase',
  'like',
  'dislike',
  'share',
  'skip',
] as const satisfies readonly EventType[];
export type FlatWeightType = (typeof FLAT_WEIGHT_TYPES)[number];

/** How far one event of each flat type moves a profile towards (or, negative, away from) its item. */
export type EventWeights = Readonly<Record<FlatWeightType, number>>;

/** Defaults: stronger commitment, stronger pull; dislikes and skips push away. */
export const DEFAULT_EVENT_WEIGHTS: EventWeights = Object.freeze({
  view: 1,
  click: 1.5,
  add_to_cart: 3,
  purchase: 5,
  like: 4,
  dislike: -4,
  share: 3,
  skip: -1,
});

/** A rating of this many stars says nothing either way. */
export const RATING_NEUTRAL_STARS = 3;
/** Weight per star above the neutral rating (below it, the weight turns negative). */
export const RATING_WEIGHT_PER_STAR = 2;
/** Dwell seconds worth one unit of weight... */
export const DWELL_SECONDS_PER_UNIT = 30;
/** ...up to this cap, so a tab left open overnight counts no more than a careful read. */
export const DWELL_MAX_WEIGHT = 2;

/** Bound on configured weights: larger ones would let a single event swamp a whole history. */
export const MAX_ABS_EVENT_WEIGHT = 100;

/**
 * The signed weight of one event. Impressions weigh 0: being shown an item says nothing about
 * taste (they only bump a counter). A rating or dwell without `value` weighs 0 too; the contract
 * refuses those, so this only guards against a hand-written caller.
 */
export function eventWeight(
  event: Pick<UserEvent, 'type' | 'value'>,
  weights: EventWeights,
): number {
  switch (event.type) {
    case 'impression':
      return 0;
    case 'rating':
      return event.value === undefined
        ? 0
        : (event.value - RATING_NEUTRAL_STARS) * RATING_WEIGHT_PER_STAR;
    case 'dwell':
      return event.value === undefined
        ? 0
        : Math.min(Math.max(event.value, 0) / DWELL_SECONDS_PER_UNIT, DWELL_MAX_WEIGHT);
    default:
      return weights[event.type];
  }
}
