import type { EventType } from '@tailor/kit';

import type { CreditableEvent, Shown } from './attribution.js';
import { impressionReward, type RewardWeights } from './rewards.js';

/** A showing as the ledger holds it: who saw it stays in memory, never in a log. */
export interface LedgerShowing extends Shown {
  userId: string;
}

/** An event of a user, as the ledger credits it. */
export interface LedgerEvent extends CreditableEvent {
  userId: string;
}

/** What crediting one event changed: the showing and how much its reward grew. */
export interface LedgerCredit {
  shown: LedgerShowing;
  /** The showing's reward after this event minus before it, in (0, 1]. */
  added: number;
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
 * before it, within the window, and in the same served list when the event names one; each
 * event id once. A showing's reward is the best weight of its events, capped at 1, so a click
 * and then a purchase add the click's weight and then the difference. Bounded: the oldest
 * showings and event ids are forgotten first.
 */
export class ShowingLedger {
  /** creativeId → showings of it, oldest first. */
  private readonly byCreative = new Map<string, LedgerShowing[]>();
  /** decisionId → event types credited so far. Insertion order is showing order. */
  private readonly credited = new Map<string, EventType[]>();
  /** Every held showing, oldest first, for eviction. */
  private readonly order: LedgerShowing[] = [];
  private orderStart = 0;
  private readonly eventIds = new Set<string>();

  constructor(private readonly options: ShowingLedgerOptions) {}

  /** Showings held now. */
  get size(): number {
    return this.order.length - this.orderStart;
  }

  show(shown: LedgerShowing): void {
    const list = this.byCreative.get(shown.creativeId) ?? [];
    // Choices are made in time order; a showing out of order still lands in place.
    let at = list.length;
    while (at > 0 && list[at - 1]!.at > shown.at) at -= 1;
    list.splice(at, 0, shown);
    this.byCreative.set(shown.creativeId, list);
    this.order.push(shown);
    while (this.size > this.options.maxShowings) this.evictOldest();
  }

  /** Credits one event; undefined when it earns nothing (no weight, no showing, seen before). */
  credit(event: LedgerEvent): LedgerCredit | undefined {
    if (event.creativeId === undefined || (this.options.weights[event.type] ?? 0) <= 0) return;
    if (this.eventIds.has(event.eventId)) return;
    this.rememberEventId(event.eventId);
    const candidates = this.byCreative.get(event.creativeId) ?? [];
    let match: LedgerShowing | undefined;
    for (const s of candidates) {
      if (s.at > event.at) break;
      if (event.at - s.at > this.options.windowMs || s.userId !== event.userId) continue;
      if (event.recommendationId !== undefined && s.recommendationId !== event.recommendationId)
        continue;
      match = s;
    }
    if (match === undefined) return undefined;
    const types = this.credited.get(match.decisionId) ?? [];
    const before = impressionReward(types, this.options.weights);
    types.push(event.type);
    this.credited.set(match.decisionId, types);
    const added = impressionReward(types, this.options.weights) - before;
    return added > 0 ? { shown: match, added } : undefined;
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
    this.credited.delete(oldest.decisionId);
    const list = this.byCreative.get(oldest.creativeId);
    if (list === undefined) return;
    const index = list.indexOf(oldest);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) this.byCreative.delete(oldest.creativeId);
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
