import { LRUCache } from 'lru-cache';

/** Options of {@link LruCache}. */
export interface LruCacheOptions<V> {
  /** Most entries kept; 0 keeps none; unbounded when absent (then `maxSize` bounds it). */
  maxEntries?: number;
  /** Most total size kept, as {@link sizeOf} measures it; 0 keeps none; unbounded when absent. */
  maxSize?: number;
  /** Size of one value (bytes of a PNG, say), at least 1; 1 per entry when absent. */
  sizeOf?: (value: V) => number;
  /** Clock in epoch ms, for entries that expire; tests pass their own. */
  now?: () => number;
}

/**
 * A bounded least-recently-used cache on `lru-cache`: reading an entry makes it the newest, and
 * the oldest go first when the entry or size bound is passed. Entries may carry a time to live.
 * What it adds to the library is the rules this service's callers count on: an entry is gone
 * once its time is up (the library keeps it until its age passes its ttl), a bound or a time to
 * live of 0 keeps nothing (the library's 0 is "no bound" and "forever"), and `has` counts as a
 * read.
 */
export class LruCache<K extends NonNullable<unknown>, V extends NonNullable<unknown>> {
  /** Undefined when the cache may hold nothing. */
  private readonly entries: LRUCache<K, V> | undefined;

  constructor(options: LruCacheOptions<V>) {
    const { maxEntries, maxSize, sizeOf } = options;
    if ((maxEntries !== undefined && maxEntries <= 0) || (maxSize !== undefined && maxSize <= 0))
      return;
    const common = {
      perf: { now: options.now ?? Date.now },
      // Read the clock at every check rather than once a millisecond: a driven clock moves
      // between two reads, and Date.now costs little.
      ttlResolution: 0,
    };
    const sizing =
      maxSize === undefined
        ? undefined
        : { maxSize, sizeCalculation: (value: V) => Math.max(1, sizeOf?.(value) ?? 1) };
    if (maxEntries !== undefined) {
      this.entries = new LRUCache<K, V>({ ...common, ...sizing, max: maxEntries });
    } else if (sizing !== undefined) {
      this.entries = new LRUCache<K, V>({ ...common, ...sizing });
    } else {
      throw new RangeError('an LruCache needs maxEntries or maxSize');
    }
  }

  /** The value, made the most recently used; undefined when absent or expired. */
  get(key: K): V | undefined {
    return this.entries?.get(key);
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  /** Stores the value as the most recently used, evicting the oldest beyond the bounds. */
  set(key: K, value: V, options: { ttlMs?: number } = {}): void {
    if (this.entries === undefined) return;
    const { ttlMs } = options;
    if (ttlMs === undefined) {
      this.entries.set(key, value);
    } else if (ttlMs <= 0) {
      this.entries.delete(key);
    } else {
      // Whole-millisecond clocks: gone at `ttlMs`, where the library would keep it one more.
      this.entries.set(key, value, { ttl: ttlMs - 0.5 });
    }
  }

  delete(key: K): void {
    this.entries?.delete(key);
  }

  /** Entries held (expired ones included until read). */
  get size(): number {
    return this.entries?.size ?? 0;
  }

  /** Sum of the entries' sizes, when a `maxSize` bounds them. */
  get weight(): number {
    return this.entries?.calculatedSize ?? 0;
  }
}
