import { DEFAULT_RECENT_TASTE, type ItemPayload, type ProfilePayload } from '@tailor/kit';
import {
  applyEvents,
  DEFAULT_EVENT_WEIGHTS,
  DEFAULT_LONG_HALF_LIFE_HOURS,
  DEFAULT_SHORT_HALF_LIFE_MINUTES,
  type ProfileEvent,
  type ProfileSettings,
  tagSpecificity,
} from '@tailor/profiles';

import type { HistoryEvent } from './cohorts.js';

const SETTINGS: ProfileSettings = {
  // Interests are all the writers read; vectors are left out of the fold.
  dimension: 1,
  cfDimension: 1,
  longHalfLifeMs: DEFAULT_LONG_HALF_LIFE_HOURS * 3_600_000,
  shortHalfLifeMs: DEFAULT_SHORT_HALF_LIFE_MINUTES * 60_000,
  weights: DEFAULT_EVENT_WEIGHTS,
  recentTaste: DEFAULT_RECENT_TASTE,
};

/** Per tag, how many catalog items carry it. */
export function tagCounts(items: ReadonlyMap<string, ItemPayload>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items.values()) {
    for (const tag of new Set(item.tags)) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  }
  return counts;
}

/**
 * The stored profile a user's history makes, folded by the profiles service's own domain code
 * (weights, decay, tag specificity as the live service applies them).
 */
export function foldHistory(
  userId: string,
  history: readonly HistoryEvent[],
  items: ReadonlyMap<string, ItemPayload>,
  counts: ReadonlyMap<string, number>,
): ProfilePayload {
  const events: ProfileEvent[] = history.map((h, i) => {
    const item = items.get(h.itemId)!;
    return {
      event: {
        eventId: `${userId}-e${i}`,
        userId,
        itemId: h.itemId,
        type: h.type,
        ...(h.value === undefined ? {} : { value: h.value }),
        timestamp: h.at,
      },
      partition: 0,
      offset: String(i),
      item: {
        category: item.category,
        tags: item.tags,
        tagSpecificity: new Map(
          item.tags.map((tag) => [tag, tagSpecificity(counts.get(tag) ?? 1, items.size)]),
        ),
      },
    };
  });
  return applyEvents(undefined, events, SETTINGS).profile.payload;
}
