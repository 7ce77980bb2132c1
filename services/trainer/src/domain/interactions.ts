import type { ItemAffinity } from '@tailor/kit';

import { type IndexedPair, type InteractionMatrix, interactionMatrix } from './ials.js';

/** Bounds of what the trainer keeps per user, so one user's history cannot grow without end. */
export const INTERACTION_LIMITS = Object.freeze({
  /** Items kept per user, the newest touched; the profiles fold-in keeps as many. */
  itemsPerUser: 500,
  /** Event ids remembered per user, so a redelivered event is not counted twice. */
  recentEventIdsPerUser: 200,
});

/** One user's aggregated history: per item the summed event weight, newest touched first. */
export interface UserInteractions {
  /** The pseudonym the user's events are sealed under, when they are: forgetting checks it. */
  subject?: string;
  affinities: ItemAffinity[];
  recentEventIds: string[];
}

/**
 * One weighted event as the trainer records it. Nothing in it names the user or the event in
 * the clear: the model needs neither, and the store outlives a forgotten user until its next
 * compaction.
 */
export interface RecordedEvent {
  /** A digest of the event id: enough to count a redelivery once. */
  eventId: string;
  /** The user's pseudonym for sealed events (the key on the bus), the user id otherwise. */
  user: string;
  /** Set when the events are sealed: forgetting is checked against the vault by it. */
  subject?: string;
  itemId: string;
  weight: number;
  at: number;
}

/** Adds one event to a user's history; false when its id was counted before. */
export function recordInteraction(user: UserInteractions, event: RecordedEvent): boolean {
  if (user.recentEventIds.includes(event.eventId)) return false;
  user.recentEventIds.unshift(event.eventId);
  if (user.recentEventIds.length > INTERACTION_LIMITS.recentEventIdsPerUser) {
    user.recentEventIds.length = INTERACTION_LIMITS.recentEventIdsPerUser;
  }
  if (event.subject !== undefined) user.subject = event.subject;
  const list = user.affinities;
  const index = list.findIndex((a) => a.itemId === event.itemId);
  const existing = index >= 0 ? list.splice(index, 1)[0] : undefined;
  const next = {
    itemId: event.itemId,
    weight: (existing?.weight ?? 0) + event.weight,
    at: Math.max(existing?.at ?? event.at, event.at),
  };
  const position = list.findIndex((a) => a.at <= next.at);
  list.splice(position < 0 ? list.length : position, 0, next);
  if (list.length > INTERACTION_LIMITS.itemsPerUser) list.length = INTERACTION_LIMITS.itemsPerUser;
  return true;
}

/** The training matrix of some users' histories, with the ids of its rows and columns. */
export interface TrainingData {
  matrix: InteractionMatrix;
  userIds: string[];
  itemIds: string[];
}

/**
 * Dense indices over the users and items, ordered by id so a run does not depend on arrival
 * order. Pairs whose summed weight is 0 say nothing and are left out.
 */
export function trainingData(users: ReadonlyMap<string, UserInteractions>): TrainingData {
  const userIds = [...users.keys()].sort();
  const itemSet = new Set<string>();
  for (const user of users.values()) for (const a of user.affinities) itemSet.add(a.itemId);
  const itemIds = [...itemSet].sort();
  const itemIndex = new Map(itemIds.map((id, i) => [id, i]));
  const pairs: IndexedPair[] = [];
  userIds.forEach((userId, u) => {
    for (const a of users.get(userId)!.affinities) {
      if (a.weight !== 0) pairs.push({ user: u, item: itemIndex.get(a.itemId)!, weight: a.weight });
    }
  });
  return { matrix: interactionMatrix(userIds.length, itemIds.length, pairs), userIds, itemIds };
}
