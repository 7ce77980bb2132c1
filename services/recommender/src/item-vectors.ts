import { CF_VECTOR, ITEM_VECTOR, ITEMS_COLLECTION, type VectorStore } from '@tailor/kit';

/** The vectors of one item the recommender scores and diversifies with. */
export interface ItemVectors {
  content: Float32Array;
  cf?: Float32Array;
}

interface Entry extends ItemVectors {
  updatedAt: number;
  modelVersion: string | null;
}

/** What {@link ItemVectorCache.vectorsOf} is asked for: an item as a source found it. */
export interface VectorKey {
  itemId: string;
  /** The payload's `updatedAt`: the catalog moves it whenever it rewrites the item's point. */
  updatedAt: number;
}

/**
 * Item vectors kept in memory, so candidates travel as ids and facts and not as hundreds of
 * floats each. An entry holds for the `updatedAt` of the payload it was read with (the catalog
 * rewrites the whole point, content vector included, and moves `updatedAt`) and for the model
 * version in service when it was read (the trainer rewrites `cf` and then moves that). Least
 * recently used entries go first once `maxItems` are held; 0 keeps nothing.
 */
export class ItemVectorCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxItems: number) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * The vectors of `items`, from memory where they are current, the rest read in one retrieve;
   * items without a content vector are left out.
   */
  async vectorsOf(
    store: VectorStore,
    items: readonly VectorKey[],
    modelVersion: string | null,
  ): Promise<Map<string, ItemVectors>> {
    const found = new Map<string, ItemVectors>();
    const missing = new Set<string>();
    for (const { itemId, updatedAt } of items) {
      const entry = this.entries.get(itemId);
      if (
        entry !== undefined &&
        entry.updatedAt === updatedAt &&
        entry.modelVersion === modelVersion
      ) {
        // Moved to the back: the least recently used entries sit at the front.
        this.entries.delete(itemId);
        this.entries.set(itemId, entry);
        found.set(itemId, entry);
      } else {
        missing.add(itemId);
      }
    }
    if (missing.size === 0) return found;
    const points = await store.retrieve(ITEMS_COLLECTION, [...missing], {
      withVectors: true,
      withPayload: ['updatedAt'],
    });
    for (const point of points) {
      const content = point.vectors?.[ITEM_VECTOR];
      if (content === undefined) continue;
      const cf = point.vectors?.[CF_VECTOR];
      const vectors: ItemVectors = cf === undefined ? { content } : { content, cf };
      found.set(point.id, vectors);
      const updatedAt = point.payload.updatedAt;
      this.remember(point.id, {
        ...vectors,
        updatedAt: typeof updatedAt === 'number' ? updatedAt : 0,
        modelVersion,
      });
    }
    return found;
  }

  private remember(itemId: string, entry: Entry): void {
    if (this.maxItems === 0) return;
    this.entries.delete(itemId);
    this.entries.set(itemId, entry);
    while (this.entries.size > this.maxItems) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
