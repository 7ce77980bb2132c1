import { createHash } from 'node:crypto';

import { ITEMS_COLLECTION, readItemPayload, type StoredPoint, type VectorStore } from '@tailor/kit';

import { LruCache } from './cache/lru-cache.js';
import { type ItemFacts, itemFactsFromPayload } from './domain/facts.js';

/**
 * Items whose facts are kept in memory (least recently used evicted first). One entry is the
 * item's facts, bounded by `FACT_LIMITS` to about 6 kB of text, so at most about 30 MB; a
 * catalog larger than the bound only recomputes the facts of its colder items.
 */
export const FACTS_CACHE_MAX_ENTRIES = 5_000;

/**
 * Reads items' facts from the `items` collection, as the writers and the thumbnails see them.
 * The generation service reads a request's items through it and the thumbnail service a
 * recipe's item, so neither calls the other.
 */
export class ItemReader {
  /**
   * Facts of stored items by a digest of the stored point (id and whole payload): cleaning and
   * grounding an item's text is the costliest step of a cached answer, and every Home reads the
   * same items and liked items again. Keyed by content rather than `updatedAt`, so any change
   * to the stored item (two writes in one millisecond, a point edited by hand) is a new entry.
   */
  private readonly facts = new LruCache<string, ItemFacts>({
    maxEntries: FACTS_CACHE_MAX_ENTRIES,
  });
  /** The digest each facts object was read from. */
  private readonly versions = new WeakMap<ItemFacts, string>();

  constructor(private readonly store: VectorStore) {}

  /** The facts of the items the catalog has, in one store read; missing ids are left out. */
  async read(itemIds: readonly string[]): Promise<ItemFacts[]> {
    const points = await this.store.retrieve(ITEMS_COLLECTION, itemIds);
    return points.map((point) => this.factsOf(point));
  }

  /** An item's facts; undefined when the catalog has no such item. */
  async one(itemId: string): Promise<ItemFacts | undefined> {
    const [facts] = await this.read([itemId]);
    return facts;
  }

  /**
   * The version of the stored content these facts were read from (a digest), for cache keys;
   * undefined for facts this reader did not read.
   */
  version(facts: ItemFacts): string | undefined {
    return this.versions.get(facts);
  }

  /**
   * An item's facts read with kit's tolerant item reader; the same stored point gives the same
   * facts, so they are computed once per content and shared (frozen, so no caller can change
   * another request's facts).
   */
  private factsOf(point: StoredPoint): ItemFacts {
    const key = createHash('sha256')
      .update(JSON.stringify([point.id, point.payload]))
      .digest('base64');
    const known = this.facts.get(key);
    if (known !== undefined) return known;
    const facts = frozenFacts(itemFactsFromPayload(readItemPayload(point.payload, point.id)));
    this.facts.set(key, facts);
    this.versions.set(facts, key);
    return facts;
  }
}

function frozenFacts(facts: ItemFacts): ItemFacts {
  for (const attribute of facts.attributes) Object.freeze(attribute);
  Object.freeze(facts.attributes);
  Object.freeze(facts.tags);
  return Object.freeze(facts);
}
