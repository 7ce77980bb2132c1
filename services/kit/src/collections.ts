import type { CollectionSpec } from './ports/vector-store.js';

/**
 * The stored shapes several services share. Catalog writes `items`, profiles writes `profiles`,
 * the recommender reads both: the shapes live here so no service reaches into another's code.
 */
export const ITEMS_COLLECTION = 'items';
export const PROFILES_COLLECTION = 'profiles';

/** Holds the collaborative model's shared state (see {@link ModelPayload}). */
export const MODELS_COLLECTION = 'models';

/** Named vector of `items`: the embedded text. */
export const ITEM_VECTOR = 'content';
/**
 * Named vector of `items` and of `profiles`: the collaborative-filtering factors, written by the
 * trainer on items and folded in by profiles on users. A point lacks it until the model covers
 * it (a new item, a user before the first model). Dot distance: the model scores by dot product.
 */
export const CF_VECTOR = 'cf';
/** Named vectors of `profiles`: long-term taste and the current session. */
export const PROFILE_LONG_VECTOR = 'long';
export const PROFILE_SHORT_VECTOR = 'short';

/** Length of `cf` vectors unless `CF_DIMENSION` says otherwise. */
export const DEFAULT_CF_DIMENSION = 128;
/** Bounds of `CF_DIMENSION`: the model's k×k Gram matrix is stored as one vector of k² floats. */
export const MIN_CF_DIMENSION = 2;
export const MAX_CF_DIMENSION = 256;

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

/**
 * `items` holds `content` (size `dimension`) and `cf` (size `cfDimension`). Qdrant cannot add a
 * named vector to an existing collection, so both exist from the start; a store holding the
 * collection with other sizes refuses it at start with a message naming the vector.
 */
export function itemsCollectionSpec(
  dimension: number,
  cfDimension: number = DEFAULT_CF_DIMENSION,
): CollectionSpec {
  return {
    name: ITEMS_COLLECTION,
    vectors: {
      [ITEM_VECTOR]: { size: dimension, distance: 'cosine' },
      [CF_VECTOR]: { size: cfDimension, distance: 'dot' },
    },
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
  /**
   * The model version the profile's `cf` vector was folded in against; absent while the profile
   * has none. A profile whose version is older than the current model is folded in again.
   */
  cfModelVersion?: string;
  /** Stamped by the profiles service on every write (see PROFILE_REVISION_KEY). */
  revision?: string;
  /**
   * Per item, the summed weight of the user's events on it (newest touched first, bounded):
   * what the `cf` vector is folded in from, the same signal the trainer learns from.
   */
  affinities?: ItemAffinity[];
}

/** The user's summed signal on one item. */
export interface ItemAffinity {
  itemId: string;
  /** Sum of the event weights; negative when the user said no. */
  weight: number;
  /** Epoch ms of the newest event on the item. */
  at: number;
}

/**
 * Payload key of a `profiles` point holding the revision its writer stamped on it: a profiles
 * service checks it before using a profile it holds in memory from its own last write.
 */
export const PROFILE_REVISION_KEY = 'revision';

export function profilesCollectionSpec(
  dimension: number,
  cfDimension: number = DEFAULT_CF_DIMENSION,
): CollectionSpec {
  return {
    name: PROFILES_COLLECTION,
    // Dot keeps magnitudes: the long-term vector is a decayed sum whose size carries weight.
    vectors: {
      [PROFILE_LONG_VECTOR]: { size: dimension, distance: 'dot' },
      [PROFILE_SHORT_VECTOR]: { size: dimension, distance: 'dot' },
      [CF_VECTOR]: { size: cfDimension, distance: 'dot' },
    },
    // The revision is read on every batch (see PROFILE_REVISION_KEY): kept as a key column by
    // the embedded store, so that read parses no payload.
    payloadIndexes: { userId: 'keyword', [PROFILE_REVISION_KEY]: 'keyword' },
  };
}

/** Id of the one point of `models` that describes the model in service. */
export const CURRENT_MODEL_ID = 'current';
/** Named vector of `models`: the item factors' Gram matrix YᵀY, row-major, k² floats. */
export const MODEL_GRAM_VECTOR = 'gram';

/**
 * The collaborative model in service, as the trainer publishes it: what folding a user in needs
 * besides the item factors (those are the items' `cf` vectors). Written after every item's `cf`.
 */
export interface ModelPayload {
  /** Changes with every training; profiles re-fold users whose vector has another version. */
  modelVersion: string;
  /** k: the length of every `cf` vector. */
  dimension: number;
  /** Confidence of an observed interaction: 1 + alpha × |weight|. */
  alpha: number;
  /** L2 regularization; scaled per user by its interaction count when `frequencyScaled`. */
  regularization: number;
  /** Rendle et al. 2021: λ × (n + unobservedWeight × items) per row instead of a flat λ. */
  frequencyScaled: boolean;
  /** Weight of every unobserved (user, item) pair relative to 1; the Gram matrix is scaled by it. */
  unobservedWeight: number;
  /** Number of items in the model (rows of the Gram matrix's sum). */
  items: number;
  /** Epoch ms when training finished. */
  trainedAt: number;
  /** The model's weighted loss after the last epoch. */
  loss: number;
}

export function modelsCollectionSpec(cfDimension: number = DEFAULT_CF_DIMENSION): CollectionSpec {
  return {
    name: MODELS_COLLECTION,
    vectors: { [MODEL_GRAM_VECTOR]: { size: cfDimension * cfDimension, distance: 'dot' } },
  };
}
