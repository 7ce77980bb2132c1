import { type EventType, strongestFirst } from '@tailor/kit';

/**
 * How much one event says "people want this item now". Impressions never count (showing an
 * item must not make it look popular, or trending would feed itself), nor do negative signals.
 */
export const TRENDING_EVENT_WEIGHTS: Readonly<Record<EventType, number>> = {
  view: 1,
  click: 1,
  add_to_cart: 2,
  like: 2,
  share: 2,
  purchase: 3,
  rating: 0,
  dislike: 0,
  dwell: 0,
  impression: 0,
  skip: 0,
};

/** Ratings from this value up count as a like. */
export const HIGH_RATING_MIN = 4;
export const HIGH_RATING_WEIGHT = 2;

/** The trending weight of an event, 0 when it does not count. */
export function trendingWeight(type: EventType, value?: number): number {
  if (type === 'rating')
    return value !== undefined && value >= HIGH_RATING_MIN ? HIGH_RATING_WEIGHT : 0;
  return TRENDING_EVENT_WEIGHTS[type] ?? 0;
}

/**
 * Counts are kept at an anchor time; when events run this many half-lives past it, everything is
 * rescaled to a new anchor so the numbers never overflow.
 */
const REBASE_AFTER_HALF_LIVES = 64;
/** At a rebase, items whose count has decayed below this are forgotten, bounding memory. */
export const TRENDING_PRUNE_BELOW = 1e-3;

/** One item of a trending list. */
export interface TrendingEntry {
  itemId: string;
  /** Decayed count at the time asked for. */
  score: number;
  /** Absent while the item's category is not known. */
  category?: string;
}

/** Options of {@link TrendingCounts.top}. */
export interface TopOptions {
  limit: number;
  /** Only items of this (lowercase) category. */
  category?: string;
  /** Items to pass over, e.g. what the user has seen. */
  skip?: (itemId: string) => boolean;
}

/**
 * Exponentially decayed event counts per item: an event of weight w at time t is worth
 * w·2^(−(now−t)/halfLife) at `now`. Decay is the same for every item, so counts are stored at a
 * shared anchor time and the order between items only changes when events arrive: the ranked
 * list is cached until then. Per-category views need each item's category, which the caller
 * supplies with {@link setCategory}.
 */
export class TrendingCounts {
  private readonly halfLifeMs: number;
  private anchor: number | null = null;
  /** Decayed counts at `anchor`. */
  private readonly counts = new Map<string, number>();
  private readonly categories = new Map<string, string>();
  private readonly members = new Map<string, Set<string>>();
  private readonly categoryMax = new Map<string, number>();
  private max = 0;
  private ranked: string[] | null = null;
  private readonly rankedByCategory = new Map<string, string[]>();

  constructor(options: { halfLifeMs: number }) {
    if (!(options.halfLifeMs > 0)) {
      throw new RangeError(`halfLifeMs must be positive, got ${options.halfLifeMs}`);
    }
    this.halfLifeMs = options.halfLifeMs;
  }

  /** Items with a count. */
  get size(): number {
    return this.counts.size;
  }

  /** Adds an event of `weight` that happened at `at` (epoch ms), in any order of time. */
  add(itemId: string, weight: number, at: number): void {
    if (!(weight > 0) || !Number.isFinite(at)) return;
    if (this.anchor === null) this.anchor = at;
    if ((at - this.anchor) / this.halfLifeMs > REBASE_AFTER_HALF_LIVES) this.rebase(at);
    const value = (this.counts.get(itemId) ?? 0) + weight * this.decay(this.anchor, at);
    this.counts.set(itemId, value);
    if (value > this.max) this.max = value;
    const category = this.categories.get(itemId);
    if (category !== undefined && value > (this.categoryMax.get(category) ?? 0)) {
      this.categoryMax.set(category, value);
    }
    this.invalidate(category);
  }

  /** Files the item under `category` (lowercase, as the catalog stores it). */
  setCategory(itemId: string, category: string): void {
    const previous = this.categories.get(itemId);
    if (previous === category) return;
    if (previous !== undefined) {
      this.members.get(previous)?.delete(itemId);
      this.invalidate(previous);
      // The old category's maximum may have been this item; recompute it from what is left.
      this.categoryMax.set(previous, this.maxOf(this.members.get(previous) ?? new Set()));
    }
    this.categories.set(itemId, category);
    let members = this.members.get(category);
    if (members === undefined) {
      members = new Set();
      this.members.set(category, members);
    }
    members.add(itemId);
    const value = this.counts.get(itemId) ?? 0;
    if (value > (this.categoryMax.get(category) ?? 0)) this.categoryMax.set(category, value);
    this.invalidate(category);
  }

  /** The category the item is filed under, if known. */
  categoryOf(itemId: string): string | undefined {
    return this.categories.get(itemId);
  }

  /** The item's decayed count at `now`; 0 when it has none. */
  score(itemId: string, now: number): number {
    const value = this.counts.get(itemId);
    return value === undefined ? 0 : value * this.decay(now, this.anchor!);
  }

  /** The largest decayed count at `now`, over every item or those of one category. */
  maxScore(now: number, category?: string): number {
    const value = category === undefined ? this.max : (this.categoryMax.get(category) ?? 0);
    return value === 0 ? 0 : value * this.decay(now, this.anchor!);
  }

  /** Items by decayed count at `now`, highest first (ties by id). */
  top(now: number, options: TopOptions): TrendingEntry[] {
    const out: TrendingEntry[] = [];
    if (options.limit <= 0) return out;
    for (const itemId of this.order(options.category)) {
      if (options.skip?.(itemId) === true) continue;
      const category = this.categories.get(itemId);
      out.push({
        itemId,
        score: this.score(itemId, now),
        ...(category === undefined ? {} : { category }),
      });
      if (out.length === options.limit) break;
    }
    return out;
  }

  /** What 1 at time `from` is worth at time `to`: 2^(−(to − from)/halfLife). */
  private decay(to: number, from: number): number {
    return 2 ** ((from - to) / this.halfLifeMs);
  }

  private order(category: string | undefined): string[] {
    if (category === undefined) {
      this.ranked ??= this.sorted(this.counts.keys());
      return this.ranked;
    }
    let ranked = this.rankedByCategory.get(category);
    if (ranked === undefined) {
      ranked = this.sorted((this.members.get(category) ?? new Set<string>()).values());
      this.rankedByCategory.set(category, ranked);
    }
    return ranked;
  }

  private sorted(ids: Iterable<string>): string[] {
    const entries: [string, number][] = [];
    for (const id of ids) {
      const count = this.counts.get(id);
      if (count !== undefined) entries.push([id, count]);
    }
    return strongestFirst(entries).map(([id]) => id);
  }

  private maxOf(ids: Iterable<string>): number {
    let max = 0;
    for (const id of ids) max = Math.max(max, this.counts.get(id) ?? 0);
    return max;
  }

  private invalidate(category: string | undefined): void {
    this.ranked = null;
    if (category !== undefined) this.rankedByCategory.delete(category);
  }

  /** Moves the anchor to `at`, rescaling every count, and forgets the negligible ones. */
  private rebase(at: number): void {
    const factor = this.decay(at, this.anchor!);
    this.anchor = at;
    for (const [itemId, value] of this.counts) {
      const scaled = value * factor;
      if (scaled < TRENDING_PRUNE_BELOW) this.counts.delete(itemId);
      else this.counts.set(itemId, scaled);
    }
    this.max *= factor;
    for (const [category, value] of this.categoryMax)
      this.categoryMax.set(category, value * factor);
    this.ranked = null;
    this.rankedByCategory.clear();
  }
}
