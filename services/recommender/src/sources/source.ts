import type { BatchAnswer, BatchRead, ScoredPoint, StoredPoint } from '@tailor/kit';

import { type ItemFacts, readItem } from '../domain/item.js';
import type { RecommendationContext } from '../domain/request.js';
import type { SourceName } from '../domain/sources.js';

/**
 * The payload keys the recommender reads of an item: its facts, and `updatedAt`, which keys the
 * item in the item cache. Sources that filter or sort by facts in hand ask for these; none asks
 * for vectors. Not `itemId`: the catalog stores each item under its id, so the point's id is
 * the item's.
 */
export const ITEM_FACT_KEYS = [
  'title',
  'category',
  'tags',
  'inStock',
  'createdAt',
  'updatedAt',
] as const;

/**
 * What a retrieve of items whose facts come from the item cache asks (the items a list cites):
 * `updatedAt` alone, against which the cache checks what it holds. A search asks no payload at
 * all: its hits carry the point's version, which a retrieve does not (Qdrant answers none), and
 * Qdrant reads a hit's whole payload to pick any key of it (measured by `bench:serve --
 * --only-breakdown`).
 */
export const ITEM_REF_KEYS = ['updatedAt'] as const;

/**
 * How the item cache tells whether what it holds of an item is current: a search hit's point
 * `version`, which moves on every write of the point, or, from reads that answer no version
 * (retrieves, scroll), the payload's `updatedAt` (0 when absent), which the catalog moves
 * whenever it rewrites the item.
 */
export type ItemFreshness = { version: number } | { updatedAt: number };

/** An item a source found, as the item cache is asked for it. */
export interface ItemRef {
  itemId: string;
  /** Facts and vectors cached for another are stale. */
  fresh: ItemFreshness;
}

/** An item a source found with its facts in hand (it filtered or sorted by them). */
export interface FoundItem extends ItemRef {
  item: ItemFacts;
}

/** A found item with what every signal and MMR need: facts and vectors from the item cache. */
export interface Candidate extends FoundItem {
  /** The content vector: MMR compares picks with it, the content signal scores it. */
  vector: Float32Array;
  /** The item's collaborative factors; absent until the model covers the item. */
  cf?: Float32Array;
}

/** What a source is asked for. */
export interface SourceRequest {
  /** Candidates wanted (from the source's per-item setting). */
  limit: number;
  context: RecommendationContext;
  /** Never to offer: seen by the user or excluded by the client. */
  excluded: ReadonlySet<string>;
  /** Epoch ms. */
  now: number;
}

/**
 * A source's part of the one batched read of `items`: the read, and how to pick the source's
 * candidates from its answer. `pick` gets `excluded` grown by what earlier sources found.
 */
export interface SourceRead {
  read: BatchRead;
  pick(answer: BatchAnswer, excluded: ReadonlySet<string>): ItemRef[];
}

interface SourceBase {
  readonly name: SourceName;
  /**
   * The raw signal of any candidate, whoever found it ({@link SIGNAL_NORMALIZATION} says how it
   * is normalized), undefined for no evidence. Every source scores every candidate, so the
   * scorer weighs all the evidence on every item.
   */
  signal(candidate: Candidate, now: number): number | undefined;
}

/**
 * A source whose candidates come from one read that can share a batch with the other sources'
 * reads. Sources are meant to be asked in order, each skipping what the ones before found; in
 * one batch they cannot see each other's finds, so each reads `extra` more than `limit` (the
 * most the earlier ones can find) and `pick` drops what they found: the same items as asking
 * one after the other, in one round trip.
 */
export interface BatchedSource extends SourceBase {
  readonly kind: 'batched';
  /** Null when there is nothing to read (a limit of 0, no counts yet). */
  plan(request: SourceRequest, extra: number): SourceRead | null;
}

/** A source that needs reads of its own (a scan); asked after the batch, when still needed. */
export interface ScanningSource extends SourceBase {
  readonly kind: 'scanning';
  /** In-stock items of the context's category, none of `excluded`. */
  find(request: SourceRequest): Promise<ItemRef[]>;
}

export type CandidateSource = BatchedSource | ScanningSource;

/** A stored item point, read with at least {@link ITEM_REF_KEYS}, as an item reference. */
export function toRef(point: StoredPoint): ItemRef {
  const updatedAt = point.payload.updatedAt;
  return { itemId: point.id, fresh: { updatedAt: typeof updatedAt === 'number' ? updatedAt : 0 } };
}

/** A search hit of an item, with or without payload, as an item reference. */
export function hitRef(point: ScoredPoint): ItemRef {
  return { itemId: point.id, fresh: { version: point.version } };
}

/** A stored item point, read with {@link ITEM_FACT_KEYS}, as a found item. */
export function toFound(point: StoredPoint): FoundItem {
  return { ...toRef(point), item: readItem(point.payload, point.id) };
}
