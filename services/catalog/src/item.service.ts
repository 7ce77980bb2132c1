import {
  ArgumentError,
  checkFirst,
  type Embedder,
  ITEM_VECTOR,
  ITEMS_COLLECTION,
  itemsCollectionSpec,
  type Logger,
  type PointInput,
  type VectorStore,
} from '@tailor/kit';

import { isBatchTooLarge, type ItemInputError, validateBatch } from './domain/batch.js';
import { ITEM_LIMITS } from './domain/item.js';
import {
  checkSearchText,
  decodeCursor,
  encodeCursor,
  itemFilter,
  QUERY_LIMITS,
} from './domain/query.js';
import {
  type CatalogItem,
  fromItemPayload,
  itemEmbeddingText,
  toItemPayload,
} from './domain/stored-item.js';
import type { CatalogMetrics } from './metrics.js';

/** A batch holds more items than the limit; nothing of it was stored. */
export class BatchTooLargeError extends ArgumentError {
  constructor(
    readonly size: number,
    readonly maxBatchSize: number,
  ) {
    super('items', `a batch may hold at most ${maxBatchSize} items, got ${size}`);
  }
}

/** What an upsert came to: the stored items in batch order and why the others were refused. */
export interface UpsertOutcome {
  upserted: number;
  items: CatalogItem[];
  errors: ItemInputError[];
}

/** Options of {@link ItemService.upsert}. */
export interface UpsertOptions {
  /**
   * Creation time (epoch ms) of new items by batch index, for loaders that carry their own
   * history (the demo catalog). Items that already exist keep theirs regardless.
   */
  createdAt?: readonly (number | undefined)[];
}

/** A page of `items`. */
export interface ItemPage {
  items: CatalogItem[];
  endCursor: string | null;
  hasNextPage: boolean;
  totalCount: number;
}

export interface ItemSearchHit {
  item: CatalogItem;
  score: number;
}

export interface CategoryCount {
  name: string;
  itemCount: number;
}

/** Options of {@link ItemService}. */
export interface ItemServiceOptions {
  store: VectorStore;
  embedder: Embedder;
  logger: Logger;
  /** `CF_DIMENSION` sizes the collection's `cf` vector; the kit's default when absent. */
  config?: { CF_DIMENSION: number };
  /** Epoch milliseconds; tests may fix it. */
  now?: () => number;
  /** Counted into when given (the subgraph's); tools that write items leave it out. */
  metrics?: CatalogMetrics;
}

/** Page size used when the service walks the whole collection (category counts). */
const SCAN_PAGE_SIZE = 1_000;

/**
 * The catalog's use of the `items` collection: validated writes embedded in one batch, reads by
 * id, pages, vector search and category counts. Point id = item id.
 */
export class ItemService {
  private readonly store: VectorStore;
  private readonly embedder: Embedder;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly cfDimension: number | undefined;
  private readonly metrics: CatalogMetrics | undefined;

  constructor(options: ItemServiceOptions) {
    this.cfDimension = options.config?.CF_DIMENSION;
    this.store = options.store;
    this.embedder = options.embedder;
    this.log = options.logger.child({ component: 'items' });
    this.now = options.now ?? Date.now;
    this.metrics = options.metrics;
  }

  /** Creates the collection when missing; sized for the embedder in use. */
  async ensureCollection(): Promise<void> {
    await this.store.ensureCollection(
      itemsCollectionSpec(this.embedder.dimension, this.cfDimension),
    );
  }

  /**
   * Validates a batch and stores its valid items with one embed call and one store call. Throws
   * {@link BatchTooLargeError} before looking at any item when the batch is over the limit.
   */
  async upsert(inputs: readonly unknown[], options: UpsertOptions = {}): Promise<UpsertOutcome> {
    if (isBatchTooLarge(inputs.length)) {
      throw new BatchTooLargeError(inputs.length, ITEM_LIMITS.maxBatchSize);
    }
    const { valid, errors } = validateBatch(inputs);
    this.metrics?.itemsWritten.inc({ outcome: 'refused' }, inputs.length - valid.length);
    if (valid.length === 0) return { upserted: 0, items: [], errors };

    const existing = await this.store.retrieve(
      ITEMS_COLLECTION,
      valid.map(({ item }) => item.id),
    );
    const createdAtById = new Map(
      existing.map((point) => [point.id, fromItemPayload(point.payload).createdAt.getTime()]),
    );
    const embedding = this.metrics?.embedSeconds.startTimer();
    const vectors = await this.embedder.embed(valid.map(({ item }) => itemEmbeddingText(item)));
    embedding?.();
    const now = this.now();
    const points: PointInput[] = valid.map(({ index, item }, i) => {
      const createdAt = createdAtById.get(item.id) ?? options.createdAt?.[index] ?? now;
      return {
        id: item.id,
        vectors: { [ITEM_VECTOR]: vectors[i]! },
        payload: { ...toItemPayload(item, createdAt, now) },
      };
    });
    await this.store.upsert(ITEMS_COLLECTION, points);
    this.metrics?.itemsWritten.inc({ outcome: 'created' }, points.length - existing.length);
    this.metrics?.itemsWritten.inc({ outcome: 'updated' }, existing.length);
    this.log.info(
      {
        upserted: points.length,
        created: points.length - existing.length,
        rejected: inputs.length - valid.length,
      },
      'items upserted',
    );
    return {
      upserted: points.length,
      items: points.map((point) => fromItemPayload(point.payload)),
      errors,
    };
  }

  /** The items that exist among `ids`, by id. */
  async getMany(ids: readonly string[]): Promise<Map<string, CatalogItem>> {
    if (ids.length === 0) return new Map();
    const points = await this.store.retrieve(ITEMS_COLLECTION, ids);
    return new Map(points.map((point) => [point.id, fromItemPayload(point.payload)]));
  }

  /** One page of items in the store's stable order. Throws `ArgumentError` on bad args. */
  async list(args: {
    first: number;
    after?: string | null;
    category?: string | null;
    inStockOnly?: boolean | null;
  }): Promise<ItemPage> {
    const limit = checkFirst(args.first, QUERY_LIMITS.maxPageSize);
    const cursor =
      args.after === undefined || args.after === null ? undefined : decodeCursor(args.after);
    const filter = itemFilter(args);
    const [page, totalCount] = await Promise.all([
      this.store.scroll(ITEMS_COLLECTION, {
        limit,
        ...(filter === undefined ? {} : { filter }),
        ...(cursor === undefined ? {} : { cursor }),
      }),
      this.store.count(ITEMS_COLLECTION, filter),
    ]);
    return {
      items: page.points.map((point) => fromItemPayload(point.payload)),
      endCursor: page.nextCursor === null ? null : encodeCursor(page.nextCursor),
      hasNextPage: page.nextCursor !== null,
      totalCount,
    };
  }

  /** Items nearest to the embedded text, best first. Throws `ArgumentError` on bad args. */
  async search(args: {
    text: string;
    first: number;
    category?: string | null;
    inStockOnly?: boolean | null;
  }): Promise<ItemSearchHit[]> {
    const text = checkSearchText(args.text);
    const limit = checkFirst(args.first, QUERY_LIMITS.maxSearchResults);
    const [vector] = await this.embedder.embed([text]);
    const filter = itemFilter(args);
    const points = await this.store.search(ITEMS_COLLECTION, {
      using: ITEM_VECTOR,
      vector: vector!,
      limit,
      ...(filter === undefined ? {} : { filter }),
    });
    return points.map((point) => ({ item: fromItemPayload(point.payload), score: point.score }));
  }

  /**
   * Every category with its item count, by name. The store has no aggregation, so this walks
   * the payloads: linear in the catalog size, fine for catalogs of some hundred thousand items.
   */
  async categories(): Promise<CategoryCount[]> {
    const counts = new Map<string, number>();
    let cursor: string | undefined;
    do {
      const page = await this.store.scroll(ITEMS_COLLECTION, {
        limit: SCAN_PAGE_SIZE,
        ...(cursor === undefined ? {} : { cursor }),
      });
      for (const point of page.points) {
        const category = String(point.payload.category);
        counts.set(category, (counts.get(category) ?? 0) + 1);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return [...counts]
      .map(([name, itemCount]) => ({ name, itemCount }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** How many items the catalog holds. */
  async count(): Promise<number> {
    return this.store.count(ITEMS_COLLECTION);
  }
}
