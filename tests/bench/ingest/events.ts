import type { EventType, UserEvent } from '@tailor/kit';

import { seededRandom, weightedPick } from '../lib/random.js';

/** Roughly what a shop's event stream holds: mostly views, some commitment, a few negatives. */
export const EVENT_MIX: readonly (readonly [EventType, number])[] = [
  ['view', 50],
  ['click', 15],
  ['dwell', 8],
  ['like', 6],
  ['add_to_cart', 6],
  ['rating', 5],
  ['skip', 3],
  ['purchase', 3],
  ['share', 2],
  ['dislike', 2],
];

/** Options of {@link syntheticEvents}. */
export interface SyntheticEventsOptions {
  count: number;
  users: number;
  itemIds: readonly string[];
  seed: number;
  /** Epoch ms of the last event; earlier ones are spaced `spacingMs` apart before it. */
  endAt: number;
  spacingMs: number;
}

/**
 * Valid contract events, the same for the same options: users drawn uniformly, items with a
 * long tail (the square of a uniform draw favours the first items of a shuffled catalog), types
 * from {@link EVENT_MIX}, values where the contract needs one.
 */
export function syntheticEvents(options: SyntheticEventsOptions): UserEvent[] {
  const random = seededRandom(options.seed);
  const items = [...options.itemIds];
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  const width = String(options.users - 1).length;
  const start = options.endAt - (options.count - 1) * options.spacingMs;
  return Array.from({ length: options.count }, (_, i): UserEvent => {
    const type = weightedPick(random, EVENT_MIX);
    const event: UserEvent = {
      eventId: `bench-${options.seed}-${i}`,
      userId: `bench-user-${String(Math.floor(random() * options.users)).padStart(width, '0')}`,
      itemId: items[Math.floor(random() ** 2 * items.length)]!,
      type,
      timestamp: start + i * options.spacingMs,
    };
    if (type === 'rating') event.value = 1 + Math.floor(random() * 5);
    if (type === 'dwell') event.value = 5 + Math.floor(random() * 295);
    return event;
  });
}
