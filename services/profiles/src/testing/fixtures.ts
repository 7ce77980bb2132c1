import {
  DEFAULT_EVENT_WEIGHTS,
  DEFAULT_RECENT_TASTE,
  type EventType,
  type UserEvent,
} from '@tailor/kit';

import { MS_PER_HOUR, MS_PER_MINUTE } from '../domain/decay.js';
import type { ItemFacts, ProfileEvent, ProfileSettings } from '../domain/profile.js';

/** Small vectors keep expected numbers readable. */
export const DIMENSION = 4;
export const LONG_HALF_LIFE_MS = 720 * MS_PER_HOUR;
export const SHORT_HALF_LIFE_MS = 30 * MS_PER_MINUTE;
/** 2024-01-01T00:00:00Z. */
export const T0 = Date.UTC(2024, 0, 1);

export const SETTINGS: ProfileSettings = {
  dimension: DIMENSION,
  cfDimension: 4,
  longHalfLifeMs: LONG_HALF_LIFE_MS,
  shortHalfLifeMs: SHORT_HALF_LIFE_MS,
  weights: DEFAULT_EVENT_WEIGHTS,
  recentTaste: DEFAULT_RECENT_TASTE,
};

/** The i-th axis of the test space. */
export function axis(i: number, dimension = DIMENSION): number[] {
  const v = new Array<number>(dimension).fill(0);
  v[i] = 1;
  return v;
}

export function item(category: string, tags: string[], vector?: number[]): ItemFacts {
  return vector === undefined ? { category, tags } : { category, tags, vector };
}

/** Items on the axes: a, b, c, d with categories and tags of their own. */
export const ITEMS = {
  a: item('garden', ['green', 'outdoor'], axis(0)),
  b: item('kitchen', ['steel'], axis(1)),
  c: item('books', ['paper'], axis(2)),
  d: item('garden', ['outdoor', 'tools'], axis(3)),
} satisfies Record<string, ItemFacts>;
export type ItemName = keyof typeof ITEMS;

let sequence = 0;

export interface EventSpec {
  type: EventType;
  /** Item name in {@link ITEMS}, or any other id (an item the catalog does not know). */
  item?: ItemName | string;
  at?: number;
  value?: number;
  eventId?: string;
  userId?: string;
  partition?: number;
  offset?: number | string;
}

/** One event as the log delivers it; offsets count up unless given. */
export function ev(spec: EventSpec): ProfileEvent {
  sequence += 1;
  const event: UserEvent = {
    eventId: spec.eventId ?? `e-${sequence}`,
    userId: spec.userId ?? 'u1',
    type: spec.type,
    timestamp: spec.at ?? T0,
  };
  if (spec.item !== undefined) event.itemId = spec.item;
  if (spec.value !== undefined) event.value = spec.value;
  const facts =
    spec.item !== undefined ? (ITEMS as Record<string, ItemFacts>)[spec.item] : undefined;
  return {
    event,
    partition: spec.partition ?? 0,
    offset: String(spec.offset ?? sequence),
    ...(facts === undefined ? {} : { item: facts }),
  };
}

/** The same event delivered again at a new place in the log. */
export function redelivered(input: ProfileEvent, offset: number | string): ProfileEvent {
  return { ...input, offset: String(offset) };
}

/** Asserts two numbers agree to a relative tolerance (decay math is floating point). */
export function close(actual: number, expected: number, tolerance = 1e-9): boolean {
  return Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));
}
