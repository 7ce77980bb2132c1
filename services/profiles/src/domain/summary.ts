import { EVENT_TYPES, type EventType, strongestFirst } from '@tailor/kit';

import { decayFactor } from './decay.js';
import { PROFILE_LIMITS, type StoredInteraction, type StoredProfile } from './profile.js';

/** Most entries a client may ask for in one interest or interaction list. */
export const SUMMARY_LIMITS = Object.freeze({ maxFirst: 50 });

/** A category or tag with its share of the user's interest. */
export interface WeightedInterest {
  name: string;
  /** Share of the total positive weight, 0..1; the shares of all interests sum to 1. */
  weight: number;
}

export interface EventTypeCount {
  type: EventType;
  count: number;
}

/** What a reader shows of a profile. */
export interface ProfileSummary {
  userId: string;
  eventCount: number;
  impressionCount: number;
  /** True until an event with a positive weight on a known item has been applied. */
  isColdStart: boolean;
  /** Strongest first, every category held. */
  categories: WeightedInterest[];
  /** Strongest first, every tag held. */
  tags: WeightedInterest[];
  /** Types with at least one event, in the contract's order. */
  countsByType: EventTypeCount[];
  /** Newest first. */
  recentItems: StoredInteraction[];
  /** Epoch ms of the newest event applied; null before any. */
  lastEventAt: number | null;
}

/**
 * Weights decayed by `factor` as shares of their total, strongest first (ties by name). What
 * decays to the drop threshold is left out, as it would be on the next write.
 */
export function interestShares(
  weights: Record<string, number>,
  factor: number,
): WeightedInterest[] {
  const decayed = Object.entries(weights)
    .map(([name, weight]): [string, number] => [name, weight * factor])
    .filter(([, weight]) => Number.isFinite(weight) && weight > PROFILE_LIMITS.minInterestWeight);
  const total = decayed.reduce((sum, [, weight]) => sum + weight, 0);
  if (total <= 0) return [];
  const shares = decayed.map(([name, weight]): [string, number] => [name, weight / total]);
  return strongestFirst(shares).map(([name, weight]) => ({ name, weight }));
}

/** The readable view of a stored profile (or of none), with weights decayed to `now`. */
export function summarizeProfile(
  userId: string,
  payload: StoredProfile | undefined,
  now: number,
  longHalfLifeMs: number,
): ProfileSummary {
  if (payload === undefined) {
    return {
      userId,
      eventCount: 0,
      impressionCount: 0,
      isColdStart: true,
      categories: [],
      tags: [],
      countsByType: [],
      recentItems: [],
      lastEventAt: null,
    };
  }
  const factor = decayFactor(now - payload.updatedAt, longHalfLifeMs);
  return {
    userId,
    eventCount: payload.eventCount,
    impressionCount: payload.impressionCount,
    isColdStart: payload.positiveEventCount === 0,
    categories: interestShares(payload.categories, factor),
    tags: interestShares(payload.tags, factor),
    countsByType: EVENT_TYPES.flatMap((type) => {
      const count = payload.countsByType[type] ?? 0;
      return count > 0 ? [{ type, count }] : [];
    }),
    recentItems: payload.recentItems,
    lastEventAt: payload.updatedAt > 0 ? payload.updatedAt : null,
  };
}
