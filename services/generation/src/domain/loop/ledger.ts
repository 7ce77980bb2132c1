import type { EventType, UserEvent } from '@tailor/kit';

import {
  answeredShowing,
  CONVERSION_TYPES,
  type CreditableEvent,
  type Shown,
} from './attribution.js';
import { impressionReward, type RewardWeights } from './rewards.js';

/** A showing as the ledger holds it: who saw it stays in memory, never in a log. */
export interface LedgerShowing extends Shown {
  userId: string;
  /**
   * The user's pseudonym when their events are sealed: how a forgotten user's showings are
   * found (their key is gone from the vault), without the vault knowing user ids.
   */
  subject?: string | undefined;
}

/** A showing taken out of the ledger with what its events had earned it. */
export interface RemovedShowing<S extends LedgerShowing = LedgerShowing> {
  shown: S;
  types: readonly EventType[];
  reward: number;
}

/** An event of a user, as the ledger credits it. */
export interface LedgerEvent extends CreditableEvent {
  userId: string;
}

/** What of an event on `user-events` the ledger reads. */
export function ledgerEventOf(event: UserEvent): LedgerEvent {
  return {
    eventId: event.eventId,
    userId: event.userId,
    type: event.type,
    at: event.timestamp,
    creativeId: event.context?.creativeId,
    recommendationId: event.context?.recommendationId,
  };
}

/** What crediting one event changed: the showing, how much its reward grew, what it now counts. */
export interface LedgerCredit<S extends LedgerShowing = LedgerShowing> {
  shown: S;
  /** The showing's reward after this event minus before it, in [0, 1]. */
  added: number;
  /** This event is the showing's first click. */
  clicked: boolean;
  /** This event is the showing's first conversion (add to cart or purchase). */
  converted: boolean;
}

/** Options of {@link ShowingLedger}. */
export interface ShowingLedgerOptions {
  /** How long after a showing an event may still be credited to it. */
  windowMs: number;
  weights: RewardWeights;
  /** Showings held at most; past it the oldest go first, and events for them earn nothing. */
  maxShowings: number;
  /** Event ids remembered so a repeated event counts once. */
  maxEventIds: number;
}

/**
 * The rule of `attributeEvents`, one event at a time, for a live feed: an event carrying a
 * `creativeId` is credited to the latest showing of that creative to the same user at or
 * before it, within the window, in the served list the event names when there is one there
 * (see `answeredShowing`); each event id once. A showing's reward is the best weight of its events, capped at 1, so a click
 * and then a purchase add the click's weight and then the difference. Bounded: the oldest
 * showings and event ids are forgotten first.
 */
export class ShowingLedger<S extends LedgerShowing = LedgerShowing> {
  /** creativeId → showings of it, oldest first. */
  private readonly byCreative = new Map<string, S[]>();
  /** decisionId → event types credited so far. Insertion order is showing order. */
  private readonly credited = new Map<string, EventType[]>();
  /** Every held showing, oldest first, for eviction. */
  private readonly order: S[] = [];
  private orderStart = 0;
  private readonly eventIds = new Set<string>();

  constructor(private readonly options: ShowingLedgerOptions) {}

  /** Showings held now. */
  get size(): number {
    return this.order.length - this.orderStart;
  }

  /**
   * Holds a showing; false when one with its decision id is held already (a replica reading
   * back from the log a choice it made itself), which then counts once.
   */
  show(shown: S): boolean {
    if (this.credited.has(shown.decisionId)) return false;
    const list = this.byCreative.get(shown.creativeId) ?? [];
    // Choices are made in time order; a showing out of order still lands in place.
    let at = list.length;
    while (at > 0 && list[at - 1]!.at > shown.at) at -= 1;
    list.splice(at, 0, shown);
    this.byCreative.set(shown.creativeId, list);
    this.credited.set(shown.decisionId, []);
    this.order.push(shown);
    while (this.size > this.options.maxShowings) this.evictOldest();
    return true;
  }

  /** Credits one event; undefined when it earns nothing (no weight, no showing, seen before). */
  credit(event: LedgerEvent): LedgerCredit<S> | undefined {
    if (event.creativeId === undefined || (this.options.weights[event.type] ?? 0) <= 0) return;
    if (this.eventIds.has(event.eventId)) return;
    this.rememberEventId(event.eventId);
    const match = answeredShowing(
      this.byCreative.get(event.creativeId) ?? [],
      event,
      this.options.windowMs,
      (s) => s.userId === event.userId,
    );
    if (match === undefined) return undefined;
    const types = this.credited.get(match.decisionId) ?? [];
    const before = impressionReward(types, this.options.weights);
    const clicked = event.type === 'click' && !types.includes('click');
    const converted =
      CONVERSION_TYPES.includes(event.type) && !types.some((t) => CONVERSION_TYPES.includes(t));
    types.push(event.type);
    this.credited.set(match.decisionId, types);
    const added = impressionReward(types, this.options.weights) - before;
    return added > 0 || clicked || converted
      ? { shown: match, added, clicked, converted }
      : undefined;
  }

  /** Whether a showing is held (a decision read back from the log after this replica made it). */
  has(decisionId: string): boolean {
    return this.credited.has(decisionId);
  }

  /** The distinct subjects of the held showings. */
  subjects(): Set<string> {
    const subjects = new Set<string>();
    for (let i = this.orderStart; i < this.order.length; i += 1) {
      const subject = this.order[i]!.subject;
      if (subject !== undefined) subjects.add(subject);
    }
    return subjects;
  }

  /**
   * Takes out every held showing `drop` picks (a forgotten user's), with what it had earned, so
   * counts built from them can be taken back. Linear in the showings held: it runs when users
   * are forgotten, not per event.
   */
  remove(drop: (shown: S) => boolean): RemovedShowing<S>[] {
    const removed: RemovedShowing<S>[] = [];
    const kept: S[] = [];
    for (let i = this.orderStart; i < this.order.length; i += 1) {
      const shown = this.order[i]!;
      if (!drop(shown)) {
        kept.push(shown);
        continue;
      }
      const types = this.credited.get(shown.decisionId) ?? [];
      removed.push({ shown, types, reward: impressionReward(types, this.options.weights) });
      this.unlink(shown);
    }
    if (removed.length > 0) {
      this.order.length = 0;
      this.order.push(...kept);
      this.orderStart = 0;
    }
    return removed;
  }

  private evictOldest(): void {
    const oldest = this.order[this.orderStart];
    if (oldest === undefined) return;
    this.orderStart += 1;
    // Compacted now and then rather than shifted each time: shift is linear in the length.
    if (this.orderStart > 1024 && this.orderStart * 2 > this.order.length) {
      this.order.splice(0, this.orderStart);
      this.orderStart = 0;
    }
    this.unlink(oldest);
  }

  private unlink(shown: S): void {
    this.credited.delete(shown.decisionId);
    const list = this.byCreative.get(shown.creativeId);
    if (list === undefined) return;
    const index = list.indexOf(shown);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) this.byCreative.delete(shown.creativeId);
  }

  private rememberEventId(eventId: string): void {
    this.eventIds.add(eventId);
    if (this.eventIds.size > this.options.maxEventIds) {
      // Sets iterate in insertion order: the first is the oldest.
      const oldest = this.eventIds.values().next().value;
      if (oldest !== undefined) this.eventIds.delete(oldest);
    }
  }
}
