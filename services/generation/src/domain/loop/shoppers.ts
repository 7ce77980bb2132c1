import type { ArmStats } from './bandit.js';

/** Bounds of {@link ShopperEvidence}. */
export interface ShopperEvidenceOptions {
  /**
   * Shoppers held at most. Past it the one whose evidence was updated longest ago goes first;
   * a shopper no longer held is chosen for by their bucket alone until they are shown again.
   */
  maxShoppers: number;
  /**
   * Buckets held per shopper at most (a shopper's top category moves, and each format is a
   * bucket of its own); past it the bucket updated longest ago goes first.
   */
  maxBucketsPerShopper: number;
}

/** Each shopper's buckets, least recently updated first (a Map keeps insertion order). */
type Buckets<A extends string> = Map<string, Map<A, ArmStats>>;

/**
 * What each shopper's own showings taught, per bucket and arm: the evidence the bandit shrinks
 * toward the bucket's posterior when it chooses for that shopper (see `chooseArm`). Personal
 * data, held in memory only and rebuilt from the log at start: bounded by shopper and by
 * bucket, and a forgotten shopper's entry is dropped whole.
 *
 * Recency is by update, never by read, so replicas that read the same log evict the same
 * shoppers (up to the moment each counts its own choices).
 */
export class ShopperEvidence<A extends string> {
  private readonly shoppers = new Map<string, Buckets<A>>();

  constructor(private readonly options: ShopperEvidenceOptions) {
    const { maxShoppers, maxBucketsPerShopper } = options;
    if (!(Number.isInteger(maxShoppers) && maxShoppers >= 0))
      throw new RangeError(`maxShoppers must be an integer ≥ 0, got ${maxShoppers}`);
    if (!(Number.isInteger(maxBucketsPerShopper) && maxBucketsPerShopper >= 1))
      throw new RangeError(
        `maxBucketsPerShopper must be an integer ≥ 1, got ${maxBucketsPerShopper}`,
      );
  }

  /** Shoppers held now. */
  get size(): number {
    return this.shoppers.size;
  }

  recordImpression(shopper: string, bucket: string, arm: A): void {
    this.add(shopper, bucket, arm, 1, 0);
  }

  /**
   * Adds a reward (clamped to [0, 1]) to an impression already recorded; nothing when that
   * shopper's bucket is no longer held (the impression it answers went with it).
   */
  recordReward(shopper: string, bucket: string, arm: A, reward: number): void {
    const clamped = Math.min(1, Math.max(0, reward));
    if (clamped > 0 && this.shoppers.get(shopper)?.get(bucket)?.has(arm) === true)
      this.add(shopper, bucket, arm, 0, clamped);
  }

  /** The shopper's counts per arm in a bucket; undefined when none are held. */
  evidence(shopper: string, bucket: string): ReadonlyMap<A, Readonly<ArmStats>> | undefined {
    return this.shoppers.get(shopper)?.get(bucket);
  }

  /** The shoppers held, for a sweep that checks who was forgotten. */
  held(): IterableIterator<string> {
    return this.shoppers.keys();
  }

  /** Drops everything held of a shopper. True when there was something. */
  forget(shopper: string): boolean {
    return this.shoppers.delete(shopper);
  }

  private add(shopper: string, bucket: string, arm: A, impressions: number, reward: number): void {
    if (this.options.maxShoppers === 0) return;
    let buckets = this.shoppers.get(shopper);
    if (buckets === undefined) buckets = new Map();
    // Re-inserted, so the Map's order stays least recently updated first.
    this.shoppers.delete(shopper);
    this.shoppers.set(shopper, buckets);
    let arms = buckets.get(bucket);
    if (arms === undefined) arms = new Map();
    buckets.delete(bucket);
    buckets.set(bucket, arms);
    const stats = arms.get(arm) ?? { impressions: 0, reward: 0 };
    stats.impressions += impressions;
    stats.reward = Math.min(stats.impressions, stats.reward + reward);
    arms.set(arm, stats);
    while (buckets.size > this.options.maxBucketsPerShopper) deleteFirst(buckets);
    while (this.shoppers.size > this.options.maxShoppers) deleteFirst(this.shoppers);
  }
}

function deleteFirst<K, V>(map: Map<K, V>): void {
  const first = map.keys().next();
  if (first.done !== true) map.delete(first.value);
}

/**
 * Default of `GENERATION_BANDIT_MAX_SHOPPERS`: about 1.5 KB a shopper with three buckets (a
 * card's description, ad and thumbnail) of four angles, so some 30 MB at the limit.
 */
export const DEFAULT_MAX_SHOPPERS = 20_000;

/** Buckets held per shopper: five formats under one or two top categories, with room to move. */
export const MAX_BUCKETS_PER_SHOPPER = 16;
