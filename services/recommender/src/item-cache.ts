import { CF_VECTOR, ITEM_VECTOR, ITEMS_COLLECTION, type VectorStore } from '@tailor/kit';
import { LRUCache } from 'lru-cache';

import { type ItemFacts, readItem } from './domain/item.js';
import { ITEM_FACT_KEYS, type ItemRef } from './sources/source.js';

/** What the recommender scores, diversifies and explains one item with. */
export interface CachedItem {
  facts: ItemFacts;
  content: Float32Array;
  cf?: Float32Array;
}

interface Entry extends CachedItem {
  /**
   * The point version of the search hit it was read for; undefined when it was read for a ref
   * without one. The read came after that hit, so it holds that version or a later one of the
   * point: never an older one.
   */
  version: number | undefined;
  /** The `updatedAt` of the payload it was read with. */
  updatedAt: number;
  modelVersion: string | null;
}

/**
 * Item facts and vectors kept in memory, so the searches of a list answer ids and point versions
 * only, no payload and no vector. An entry holds for a search hit of the same point version (a
 * version moves on every write of the point), or, for a ref from a read that answers no version
 * (a retrieve, a scan), for the same `updatedAt` of the payload it was read with (the catalog
 * rewrites the whole point, facts and content vector included, and moves `updatedAt`); and
 * always only for the model version in service when it was read (the trainer rewrites `cf` and
 * then moves that). Versions are the store's: Qdrant's start again in a collection deleted and
 * made anew, so a recommender outliving such a collection must be restarted (the recommender
 * README says so). Least recently used entries go first once `maxItems` are held (`lru-cache`
 * keeps the order); 0 keeps nothing.
 */
export class ItemCache {
  /** Undefined when the cache may hold nothing: the library's `max` of 0 means no bound. */
  private readonly entries: LRUCache<string, Entry> | undefined;

  constructor(maxItems: number) {
    if (maxItems > 0) this.entries = new LRUCache<string, Entry>({ max: maxItems });
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }

  /**
   * The facts and vectors of `items`, from memory where they are current, the rest read in one
   * retrieve; items without a content vector are left out.
   */
  async itemsOf(
    store: VectorStore,
    items: readonly ItemRef[],
    modelVersion: string | null,
  ): Promise<Map<string, CachedItem>> {
    const found = new Map<string, CachedItem>();
    /** Each item to read, with the version of the hit it is read for, if one was. */
    const missing = new Map<string, number | undefined>();
    for (const { itemId, fresh } of items) {
      // Peeked first: only an entry that is still current counts as used.
      const entry = this.entries?.peek(itemId);
      const current =
        entry !== undefined &&
        entry.modelVersion === modelVersion &&
        ('version' in fresh
          ? entry.version === fresh.version
          : entry.updatedAt === fresh.updatedAt);
      if (current && !missing.has(itemId)) {
        this.entries?.get(itemId);
        found.set(itemId, entry);
      } else {
        found.delete(itemId);
        const version = 'version' in fresh ? fresh.version : undefined;
        missing.set(itemId, version ?? missing.get(itemId));
      }
    }
    if (missing.size === 0) return found;
    const points = await store.retrieve(ITEMS_COLLECTION, [...missing.keys()], {
      withVectors: true,
      withPayload: ITEM_FACT_KEYS,
    });
    for (const point of points) {
      const content = point.vectors?.[ITEM_VECTOR];
      if (content === undefined) continue;
      const cf = point.vectors?.[CF_VECTOR];
      const facts = readItem(point.payload, point.id);
      const item: CachedItem = cf === undefined ? { facts, content } : { facts, content, cf };
      found.set(point.id, item);
      const updatedAt = point.payload.updatedAt;
      this.entries?.set(point.id, {
        ...item,
        version: missing.get(point.id),
        updatedAt: typeof updatedAt === 'number' ? updatedAt : 0,
        modelVersion,
      });
    }
    return found;
  }
}
