import { CF_VECTOR, ITEM_VECTOR, ITEMS_COLLECTION, type VectorStore } from '@tailor/kit';
import { LRUCache } from 'lru-cache';

import { type ItemFacts, readItem } from './domain/item.js';
import { ITEM_FACT_KEYS } from './sources/source.js';

/** What the recommender scores, diversifies and explains one item with. */
export interface CachedItem {
  facts: ItemFacts;
  content: Float32Array;
  cf?: Float32Array;
}

interface Entry extends CachedItem {
  updatedAt: number;
  modelVersion: string | null;
}

/** What {@link ItemCache.itemsOf} is asked for: an item as a source found it. */
export interface ItemRef {
  itemId: string;
  /** The payload's `updatedAt`: the catalog moves it whenever it rewrites the item's point. */
  updatedAt: number;
}

/**
 * Item facts and vectors kept in memory, so the searches of a list answer ids and `updatedAt`
 * only, not six payload keys and hundreds of floats per candidate. An entry holds for the
 * `updatedAt` of the payload it was read with (the catalog rewrites the whole point, facts and
 * content vector included, and moves `updatedAt`) and for the model version in service when it
 * was read (the trainer rewrites `cf` and then moves that). Least recently used entries go first
 * once `maxItems` are held (`lru-cache` keeps the order); 0 keeps nothing.
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
    const missing = new Set<string>();
    for (const { itemId, updatedAt } of items) {
      // Peeked first: only an entry that is still current counts as used.
      const entry = this.entries?.peek(itemId);
      if (
        entry !== undefined &&
        entry.updatedAt === updatedAt &&
        entry.modelVersion === modelVersion
      ) {
        this.entries?.get(itemId);
        found.set(itemId, entry);
      } else {
        missing.add(itemId);
      }
    }
    if (missing.size === 0) return found;
    const points = await store.retrieve(ITEMS_COLLECTION, [...missing], {
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
        updatedAt: typeof updatedAt === 'number' ? updatedAt : 0,
        modelVersion,
      });
    }
    return found;
  }
}
