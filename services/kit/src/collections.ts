import type { CollectionSpec } from './ports/vector-store.js';

/**
 * The stored shapes several services share. Catalog writes `items`, profiles writes `profiles`,
 * the recommender reads both: the shapes live here so no service reaches into another's code.
 */
export const ITEMS_COLLECTION = 'items';
export const PROFILES_COLLECTION = 'profiles';

/** Named vector of `items`. */
export const ITEM_VECTOR = 'content';
/** Named vectors of `profiles`: long-term taste and the current session. */
export const PROFILE_LONG_VECTOR = 'long';
export const PROFILE_SHORT_VECTOR = 'short';

/** An item's facts, kept as the payload of its point in `items`. */
export interface ItemPayload {
  itemId: string;
  title: string;
  description: string;
  category: string;
  tags: string[];
  /** Amount in the currency's major unit (e.g. 19.99). */
  price: number;
  /** ISO 4217 code. */
  currency: string;
  imageUrl?: string;
  inStock: boolean;
  attributes: Record<string, string>;
  /** Epoch ms when the item first entered the catalog; feeds the freshness boost. */
  createdAt: number;
  updatedAt: number;
}

export function itemsCollectionSpec(dimension: number): CollectionSpec {
  return {
    name: ITEMS_COLLECTION,
    vectors: { [ITEM_VECTOR]: { size: dimension, distance: 'cosine' } },
    payloadIndexes: {
      itemId: 'keyword',
      category: 'keyword',
      tags: 'keyword',
      inStock: 'bool',
      price: 'float',
    },
  };
}

/** One remembered interaction, newest first in {@link ProfilePayload.recentItems}. */
export interface RecentInteraction {
  itemId: string;
  type: string;
  /** Epoch ms of the event. */
  at: number;
  /** A rating's stars or a dwell's seconds, when the event carried one. */
  value?: number;
}

/**
 * A user's profile as stored in `profiles`. Weights in `categories` and `tags` are decayed to
 * `updatedAt`; readers decay them further to "now" with the same half-life.
 */
export interface ProfilePayload {
  userId: string;
  /** Behaviour events applied (impressions are counted apart). */
  eventCount: number;
  /**
   * Applied events with a positive weight on a known item. 0 means the profile says only what
   * the user does not want (dislikes, skips, low ratings): a cold-start user for recommenders.
   */
  positiveEventCount: number;
  impressionCount: number;
  countsByType: Record<string, number>;
  /** Epoch ms of the newest event applied; the reference time of every decayed weight. */
  updatedAt: number;
  categories: Record<string, number>;
  tags: Record<string, number>;
  /** Newest first, bounded. */
  recentItems: RecentInteraction[];
  /** Items the user has interacted with (bounded, newest kept); recommendations exclude them. */
  seenItemIds: string[];
  /** Ids of the newest events applied, for deduplication of repeated sends. */
  recentEventIds: string[];
  /** Per bus partition, the last offset applied, so redelivery after a crash is skipped. */
  offsets: Record<string, string>;
}

export function profilesCollectionSpec(dimension: number): CollectionSpec {
  return {
    name: PROFILES_COLLECTION,
    // Dot keeps magnitudes: the long-term vector is a decayed sum whose size carries weight.
    vectors: {
      [PROFILE_LONG_VECTOR]: { size: dimension, distance: 'dot' },
      [PROFILE_SHORT_VECTOR]: { size: dimension, distance: 'dot' },
    },
    payloadIndexes: { userId: 'keyword' },
  };
}
