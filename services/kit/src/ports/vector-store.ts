/** A vector as adapters accept it. */
export type Vector = Float32Array | readonly number[];

export type Distance = 'cosine' | 'dot';

/** A named vector of a collection, e.g. `long` and `short` for profiles. */
export interface VectorSpec {
  size: number;
  /**
   * `cosine` collections may keep vectors normalized (Qdrant does): use `dot` when the
   * magnitude itself must survive a round trip.
   */
  distance: Distance;
}

export type PayloadIndexKind = 'keyword' | 'integer' | 'float' | 'bool';

/** What {@link VectorStore.ensureCollection} creates. */
export interface CollectionSpec {
  name: string;
  vectors: Record<string, VectorSpec>;
  /**
   * Payload keys that filters use often. Qdrant indexes them; the embedded store keeps each
   * top-level one as a column of values by slot, so a filter on it reads no payload.
   */
  payloadIndexes?: Record<string, PayloadIndexKind>;
}

export type Payload = Record<string, unknown>;

export interface PointInput {
  /** Any string; adapters that need other id forms map it and keep the original. */
  id: string;
  /**
   * The point's named vectors. A point may lack some of the collection's vectors (an item not
   * yet in the collaborative model has no `cf`): searches over a vector skip points without it.
   */
  vectors: Record<string, Vector>;
  payload: Payload;
}

/** What {@link VectorStore.updateVectors} sets on one existing point. */
export interface VectorUpdate {
  id: string;
  /** Named vectors to set; the point's payload and its other vectors stay as they are. */
  vectors: Record<string, Vector>;
}

export interface StoredPoint {
  id: string;
  payload: Payload;
  /** Present when asked for with `withVectors`. */
  vectors?: Record<string, Float32Array>;
}

/**
 * A search hit. Its payload is for reading: the embedded store hands out the stored payload
 * itself, frozen (a copy per hit cost more than the scan), so a write to it throws. Copy it to
 * change it; `retrieve` and `scroll` return private copies.
 */
export interface ScoredPoint extends StoredPoint {
  /** Cosine similarity or dot product, higher is closer. */
  score: number;
  /**
   * The point's version: it moves on every write of the point (`upsert`, `updateVectors`) and
   * stays on reads, so two hits of one point with the same version saw the same point, and a
   * caller can tell whether what it holds of a point is current from a hit that carries no
   * payload. Only ever compared for equality: the numbers are the store's (Qdrant's operation
   * number, the embedded store's write sequence of the collection), and they start again in a
   * collection deleted and made anew. Retrieves and scroll pages carry none: Qdrant answers
   * none for them.
   */
  version: number;
}

export type MatchValue = string | number | boolean;

/**
 * The Qdrant filter subset Tailor uses. A `key` is a payload path with dots for nesting; when
 * the value there is an array, a condition holds if any element satisfies it (Qdrant semantics).
 */
export type Condition =
  | { key: string; match: { value: MatchValue } }
  | { key: string; match: { any: readonly MatchValue[] } }
  | { key: string; range: { gt?: number; gte?: number; lt?: number; lte?: number } }
  | { has_id: readonly string[] }
  | Filter;

/** All of `must`, at least one of `should` (when given), none of `must_not`. */
export interface Filter {
  must?: readonly Condition[];
  should?: readonly Condition[];
  must_not?: readonly Condition[];
}

/**
 * Which payload keys come back: all of them (`true`, the default), none (`false`), or the named
 * top-level keys. Asking only for what is read keeps answers small on the wire.
 */
export type PayloadSelection = boolean | readonly string[];

/** What a read returns of each point besides its id. */
export interface ReadOptions {
  /** The point's named vectors; absent (false) by default, since most readers need none. */
  withVectors?: boolean;
  withPayload?: PayloadSelection;
}

/**
 * A stored point whose vector is the query: the store looks it up itself, so the vector never
 * travels to the caller and back.
 */
export interface PointReference {
  id: string;
  /** The collection that holds it; the searched collection by default. */
  collection?: string;
  /** Its vector to use; the searched vector (`using`) by default. */
  using?: string;
}

interface SearchOptions extends ReadOptions {
  /** Which named vector of the collection to search. */
  using: string;
  limit: number;
  filter?: Filter;
}

/**
 * A nearest-neighbour search by a given `vector`, or by the vector of a stored point
 * (`nearPoint`). A search by a point of the same collection never returns that point, and a
 * point that does not exist (or lacks the vector) finds nothing.
 */
export type SearchRequest = SearchOptions &
  ({ vector: Vector; nearPoint?: undefined } | { nearPoint: PointReference; vector?: undefined });

export interface ScrollRequest extends ReadOptions {
  limit: number;
  filter?: Filter;
  /** From the previous page's `nextCursor`; absent for the first page. */
  cursor?: string;
}

export interface ScrollPage {
  points: StoredPoint[];
  nextCursor: string | null;
}

/** One read of {@link VectorStore.readMany}. */
export type BatchRead =
  | { kind: 'search'; request: SearchRequest }
  | { kind: 'retrieve'; ids: readonly string[]; options?: ReadOptions };

/** The answer to one {@link BatchRead}, of the same kind. */
export type BatchAnswer =
  { kind: 'search'; points: ScoredPoint[] } | { kind: 'retrieve'; points: StoredPoint[] };

/**
 * The port's data operations (every method but `close`), for whatever wraps a store per call:
 * the trace spans, the recommender's call counter.
 */
export const VECTOR_STORE_OPERATIONS = [
  'ensureCollection',
  'upsert',
  'updateVectors',
  'retrieve',
  'search',
  'readMany',
  'scroll',
  'count',
  'delete',
] as const satisfies readonly (keyof VectorStore)[];
export type VectorStoreOperation = (typeof VECTOR_STORE_OPERATIONS)[number];

/**
 * The VectorStore port: named-vector collections with payloads, exact or approximate nearest
 * neighbour search with filters. Implemented in-process (embedded) and on Qdrant.
 */
export interface VectorStore {
  /** Creates the collection and payload indexes if missing; a no-op when they exist. */
  ensureCollection(spec: CollectionSpec): Promise<void>;
  /**
   * Inserts or replaces whole points; vectors must match the collection's sizes. A replaced
   * point keeps none of its old vectors: those not given are absent afterwards.
   */
  upsert(collection: string, points: readonly PointInput[]): Promise<void>;
  /**
   * Sets some named vectors of existing points without touching their payloads or other
   * vectors. Ids that do not exist are skipped (a point deleted meanwhile stays deleted).
   */
  updateVectors(collection: string, points: readonly VectorUpdate[]): Promise<void>;
  /** The points that exist among `ids`, in no particular order. */
  retrieve(
    collection: string,
    ids: readonly string[],
    options?: ReadOptions,
  ): Promise<StoredPoint[]>;
  /** Nearest points first. */
  search(collection: string, request: SearchRequest): Promise<ScoredPoint[]>;
  /**
   * Several searches and retrieves of one collection at once, answered in the order asked, each
   * exactly as {@link search} or {@link retrieve} would answer it alone. Qdrant sends them in one
   * request, so a caller that needs several reads pays one round trip.
   */
  readMany(collection: string, reads: readonly BatchRead[]): Promise<BatchAnswer[]>;
  /** Pages through points in a stable order. */
  scroll(collection: string, request: ScrollRequest): Promise<ScrollPage>;
  count(collection: string, filter?: Filter): Promise<number>;
  /** Deletes by ids, or every point matching a filter. */
  delete(
    collection: string,
    selector: { ids: readonly string[] } | { filter: Filter },
  ): Promise<void>;
  /** Flushes what the adapter holds and releases resources. */
  close(): Promise<void>;
}
