import type { EventType } from '@tailor/kit';

import type { Angle } from './angles.js';
import { Z_95 } from './off-policy.js';
import { impressionReward, type RewardWeights } from './rewards.js';

/** A variant shown: what an event needs to be credited to it. */
export interface Shown {
  decisionId: string;
  /** Epoch ms the variant was chosen (shown). */
  at: number;
  creativeId: string;
  recommendationId: string | null;
  angle: Angle;
  bucket: string;
}

/** What of an event attribution reads. */
export interface CreditableEvent {
  eventId: string;
  type: EventType;
  /** Epoch ms the event happened. */
  at: number;
  creativeId: string | undefined;
  recommendationId: string | undefined;
}

/** What the events attributed to one shown variant earned it. */
export interface Credit {
  decisionId: string;
  reward: number;
  types: EventType[];
}

/**
 * How long after a showing an event may still be credited to it: a day, so a purchase made
 * the evening after a morning's click still counts, while last week's showing does not.
 */
export const DEFAULT_ATTRIBUTION_WINDOW_MS = 86_400_000;

/** Event types counted as conversions in the stats (clicks are counted apart). */
export const CONVERSION_TYPES: readonly EventType[] = ['add_to_cart', 'purchase'];

/**
 * The showing an event answers among one creative's showings (oldest first): the latest at or
 * before the event, within `windowMs`, that `eligible` accepts; in the served list the event
 * names when one of them is in it. When none is, the latest of any list: a variant a user keeps
 * (GENERATION_VARIANT_STICKY_MS) is served again in later lists but was chosen, and logged, with
 * the list it was first chosen for, so an event from a later list answers that choice.
 */
export function answeredShowing<S extends Shown>(
  candidates: readonly S[],
  event: CreditableEvent,
  windowMs: number,
  eligible: (shown: S) => boolean = () => true,
): S | undefined {
  let latest: S | undefined;
  let inList: S | undefined;
  for (const s of candidates) {
    if (s.at > event.at) break;
    if (event.at - s.at > windowMs || !eligible(s)) continue;
    latest = s;
    if (event.recommendationId !== undefined && s.recommendationId === event.recommendationId)
      inList = s;
  }
  return inList ?? latest;
}

/**
 * Credits events to the variants they answer (see {@link answeredShowing}): an event carrying
 * a `creativeId` goes to the latest showing of that creative at or before it, within
 * `windowMs` (last touch). An event with no such showing (too late, a creative never shown)
 * earns nothing; each `eventId` counts once. The reward of a showing is the best weight among
 * its events, capped at 1 (see `impressionReward`).
 */
export function attributeEvents(
  shown: readonly Shown[],
  events: readonly CreditableEvent[],
  options: { windowMs: number; weights: RewardWeights },
): Map<string, Credit> {
  const byCreative = new Map<string, Shown[]>();
  for (const s of shown) {
    const list = byCreative.get(s.creativeId) ?? [];
    list.push(s);
    byCreative.set(s.creativeId, list);
  }
  for (const list of byCreative.values()) list.sort((a, b) => a.at - b.at);
  const seen = new Set<string>();
  const types = new Map<string, EventType[]>();
  for (const event of events) {
    if (event.creativeId === undefined || seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    const match = answeredShowing(byCreative.get(event.creativeId) ?? [], event, options.windowMs);
    if (match === undefined) continue;
    const list = types.get(match.decisionId) ?? [];
    list.push(event.type);
    types.set(match.decisionId, list);
  }
  const credits = new Map<string, Credit>();
  for (const [decisionId, list] of types) {
    credits.set(decisionId, {
      decisionId,
      reward: impressionReward(list, options.weights),
      types: list,
    });
  }
  return credits;
}

/** A rate with its 95% Wilson score interval (sound at small counts and rates near 0). */
export interface Rate {
  rate: number;
  low: number;
  high: number;
}

/** Wilson's interval of `successes` out of `trials`; zeros without trials. */
export function wilson(successes: number, trials: number, z: number = Z_95): Rate {
  if (trials === 0) return { rate: 0, low: 0, high: 0 };
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half =
    (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / (1 + z2 / trials);
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Counts of one group of showings (a creative, an angle, a bucket). */
export interface CreativeStats {
  key: string;
  impressions: number;
  /** Showings with at least one click attributed. */
  clicks: number;
  /** Showings with an add to cart or a purchase attributed. */
  conversions: number;
  /** Sum of the showings' rewards. */
  reward: number;
  ctr: Rate;
  conversionRate: Rate;
}

/** Stats per group of showings, `keyOf` naming the group (creative id, angle, …), largest first. */
export function statsBy(
  shown: readonly Shown[],
  credits: ReadonlyMap<string, Credit>,
  keyOf: (shown: Shown) => string,
): CreativeStats[] {
  const groups = new Map<
    string,
    { impressions: number; clicks: number; conversions: number; reward: number }
  >();
  for (const s of shown) {
    const key = keyOf(s);
    const group = groups.get(key) ?? { impressions: 0, clicks: 0, conversions: 0, reward: 0 };
    const credit = credits.get(s.decisionId);
    group.impressions += 1;
    if (credit?.types.includes('click')) group.clicks += 1;
    if (credit?.types.some((t) => CONVERSION_TYPES.includes(t))) group.conversions += 1;
    group.reward += credit?.reward ?? 0;
    groups.set(key, group);
  }
  return [...groups.entries()]
    .map(([key, g]) => ({
      key,
      ...g,
      ctr: wilson(g.clicks, g.impressions),
      conversionRate: wilson(g.conversions, g.impressions),
    }))
    .sort((a, b) => b.impressions - a.impressions || a.key.localeCompare(b.key));
}
