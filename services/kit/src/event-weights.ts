import { z } from 'zod';

import type { EventType, UserEvent } from './contract/user-event.js';

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

const FLAT_TYPES: ReadonlySet<string> = new Set(FLAT_WEIGHT_TYPES);
const EXAMPLE = '{"like":5,"skip":-0.5}';

/** Why a key may not be set, for the types whose weight is not one number. */
const FIXED_KEYS: Readonly<Record<string, string>> = {
  rating: `rating weights follow the stars: (value − ${RATING_NEUTRAL_STARS}) × ${RATING_WEIGHT_PER_STAR}`,
  dwell: `dwell weights follow the seconds: min(value / ${DWELL_SECONDS_PER_UNIT}, ${DWELL_MAX_WEIGHT})`,
  impression: 'impressions never move a profile',
};

/**
 * `PROFILE_EVENT_WEIGHTS`: a JSON object overriding some flat weights, e.g. `{"like":5}`. Every
 * bad key is named in the error, so a typo never silently keeps the default. Profiles and the
 * trainer both read it, so an event pulls a profile and weighs in the model alike.
 */
export function eventWeightsEnv() {
  return z
    .string()
    .default('')
    .transform((value, ctx): EventWeights => {
      if (value.trim() === '') return DEFAULT_EVENT_WEIGHTS;
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: `expected a JSON object such as ${EXAMPLE}` });
        return z.NEVER;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        ctx.addIssue({ code: 'custom', message: `expected a JSON object such as ${EXAMPLE}` });
        return z.NEVER;
      }
      const overrides: Partial<Record<string, number>> = {};
      const problems: string[] = [];
      for (const [key, weight] of Object.entries(parsed)) {
        if (!FLAT_TYPES.has(key)) {
          problems.push(
            `key ${JSON.stringify(key)} cannot be set: ${
              FIXED_KEYS[key] ?? `expected one of ${FLAT_WEIGHT_TYPES.join(', ')}`
            }`,
          );
        } else if (
          typeof weight !== 'number' ||
          !Number.isFinite(weight) ||
          Math.abs(weight) > MAX_ABS_EVENT_WEIGHT
        ) {
          problems.push(
            `key ${JSON.stringify(key)} must be a number from -${MAX_ABS_EVENT_WEIGHT} to ${MAX_ABS_EVENT_WEIGHT}`,
          );
        } else {
          overrides[key] = weight;
        }
      }
      if (problems.length > 0) {
        ctx.addIssue({ code: 'custom', message: problems.join('; ') });
        return z.NEVER;
      }
      return Object.freeze({ ...DEFAULT_EVENT_WEIGHTS, ...overrides });
    });
}
