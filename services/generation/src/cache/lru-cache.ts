/** Options of {@link LruCache}. */
export interface LruCacheOptions<V> {
  /** Most entries kept; 0 keeps none. */
  maxEntries: number;
  /** Most total size kept, as {@link sizeOf} measures it; unbounded when absent. */
  maxSize?: number;
  /** Size of one value (bytes of a PNG, say); 1 per entry when absent. */
  sizeOf?: (value: V) => number;
  /** Clock in epoch ms, for entries that expire; tests pass their own. */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  size: number;
  /** Epoch ms after which the entry is gone; absent for entries that never expire. */
  expiresAt?: number;
}

/**
 * A bounded least-recently-used cache: reading an entry makes it the newest, and the oldest go
 * first when the entry or size bound is passed. Entries may carry a time to live.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private totalSize = 0;
  private readonly now: () => number;

  constructor(private readonly options: LruCacheOptions<V>) {
    this.now = options.now ?? Date.now;
  }

  /** The value, made the most recently used; undefined when absent or expired. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.now()) {
      this.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  /** Stores the value as the most recently used, evicting the oldest beyond the bounds. */
  set(key: K, value: V, options: { ttlMs?: number } = {}): void {
    this.delete(key);
    const size = this.options.sizeOf?.(value) ?? 1;
    if (
      this.options.maxEntries <= 0 ||
      (this.options.maxSize !== undefined && size > this.options.maxSize)
    )
      return;
    const entry: Entry<V> = { value, size };
    if (options.ttlMs !== undefined) entry.expiresAt = this.now() + options.ttlMs;
    this.entries.set(key, entry);
    this.totalSize += size;
    this.evict();
  }

  delete(key: K): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.totalSize -= entry.size;
  }

  /** Entries held (expired ones included until read). */
  get size(): number {
    return this.entries.size;
  }

  /** Sum of the entries' sizes. */
  get weight(): number {
    return this.totalSize;
  }

  private evict(): void {
    const { maxEntries, maxSize } = this.options;
    for (const key of this.entries.keys()) {
      if (this.entries.size <= maxEntries && (maxSize === undefined || this.totalSize <= maxSize))
        return;
      this.delete(key);
    }
  }
}
