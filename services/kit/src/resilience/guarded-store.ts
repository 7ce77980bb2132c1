import { LRUCache } from 'lru-cache';

import type {
  Payload,
  PointInput,
  ReadOptions,
  StoredPoint,
  VectorStore,
  VectorUpdate,
} from '../ports/vector-store.js';
import { type CircuitBreaker, isOutage } from './circuit-breaker.js';

/** Options of {@link guardedStore}. */
export interface GuardedStoreOptions {
  breaker: CircuitBreaker;
  /**
   * Collections whose points read by id are remembered (bounded), and answered from memory
   * while the store is down: the catalog's facts change seldom, and a title and price last
   * read a minute ago beat no page at all. Never profiles: a stale profile would pass as the
   * user's taste.
   */
  lastKnown?: readonly string[];
  /** Most points remembered per collection (whole, 0 keeps none); the oldest read go first. */
  lastKnownPoints?: number;
}

export const GUARDED_STORE_DEFAULTS = { lastKnownPoints: 20_000 } as const;

/** What is known of one point: payload keys read (all of them when `full`), vectors if read. */
interface KnownPoint {
  payload: Payload;
  full: boolean;
  keys: Set<string>;
  vectors?: Record<string, Float32Array>;
}

/**
 * Points of one collection as last read, whatever read brought them (by id, search, scroll),
 * merged per point, so a read asking for other keys than the one that brought a point can be
 * answered when every key it asks for was read.
 */
class LastKnown {
  /** In order of last read by the store: a recall from memory does not count as one. */
  private readonly points: LRUCache<string, KnownPoint>;

  constructor(capacity: number) {
    this.points = new LRUCache({ max: capacity });
  }

  remember(found: readonly StoredPoint[], options: ReadOptions | undefined): void {
    const selection = options?.withPayload ?? true;
    for (const point of found) {
      const known = this.points.peek(point.id) ?? { payload: {}, full: false, keys: new Set() };
      if (selection === true) {
        // Kept by reference, never written to: a full read replaces it whole.
        known.payload = point.payload;
        known.full = true;
      } else if (selection !== false && !known.full) {
        for (const key of selection) {
          if (key in point.payload) known.payload[key] = point.payload[key];
          else delete known.payload[key];
          known.keys.add(key);
        }
      }
      if (options?.withVectors === true && point.vectors !== undefined) {
        known.vectors = { ...known.vectors, ...point.vectors };
      }
      // Setting makes the point the newest, so eviction drops the coldest.
      this.points.set(point.id, known);
    }
  }

  /** Every id's point as the read would have answered it, or undefined when one is unknown. */
  recall(ids: readonly string[], options: ReadOptions | undefined): StoredPoint[] | undefined {
    const selection = options?.withPayload ?? true;
    const out: StoredPoint[] = [];
    for (const id of ids) {
      const known = this.points.peek(id);
      if (known === undefined) return undefined;
      let payload: Payload = {};
      if (selection === true) {
        if (!known.full) return undefined;
        payload = { ...known.payload };
      } else if (selection !== false) {
        for (const key of selection) {
          if (!known.full && !known.keys.has(key)) return undefined;
          if (key in known.payload) payload[key] = known.payload[key];
        }
      }
      const point: StoredPoint = { id, payload };
      if (options?.withVectors === true) {
        if (known.vectors === undefined) return undefined;
        point.vectors = known.vectors;
      }
      out.push(point);
    }
    return out;
  }

  forget(ids: readonly string[]): void {
    for (const id of ids) this.points.delete(id);
  }

  /** A change of vectors only (the trainer's factors): the payload read stays true. */
  forgetVectors(ids: readonly string[]): void {
    for (const id of ids) {
      const known = this.points.peek(id);
      if (known !== undefined) delete known.vectors;
    }
  }

  clear(): void {
    this.points.clear();
  }
}

/**
 * `store` behind a circuit breaker: once it fails repeatedly, calls fail at once with
 * `DependencyUnavailableError` (retriable) until a probe gets through. While it fails, reads by
 * id of the `lastKnown` collections are answered with the points as last read by any read of
 * this process, when every asked id and key was read before (else the error stands: a partial
 * answer would say items do not exist). Writes forget what they change.
 */
export function guardedStore(store: VectorStore, options: GuardedStoreOptions): VectorStore {
  const { breaker } = options;
  const capacity = options.lastKnownPoints ?? GUARDED_STORE_DEFAULTS.lastKnownPoints;
  if (!Number.isInteger(capacity) || capacity < 0) {
    throw new RangeError(`lastKnownPoints must be a whole number of at least 0, got ${capacity}`);
  }
  const remembered = new Map<string, LastKnown>(
    capacity === 0 ? [] : (options.lastKnown ?? []).map((name) => [name, new LastKnown(capacity)]),
  );
  const guard = <T>(call: () => Promise<T>) => breaker.run(call);
  const forget = (collection: string, ids: readonly string[]) =>
    remembered.get(collection)?.forget(ids);

  return {
    ensureCollection: (spec) => guard(() => store.ensureCollection(spec)),
    upsert: (collection: string, points: readonly PointInput[]) => {
      forget(
        collection,
        points.map((p) => p.id),
      );
      return guard(() => store.upsert(collection, points));
    },
    updateVectors: (collection: string, points: readonly VectorUpdate[]) => {
      remembered.get(collection)?.forgetVectors(points.map((p) => p.id));
      return guard(() => store.updateVectors(collection, points));
    },
    async retrieve(collection, ids, readOptions) {
      const memory = remembered.get(collection);
      if (memory === undefined) return guard(() => store.retrieve(collection, ids, readOptions));
      try {
        const found = await guard(() => store.retrieve(collection, ids, readOptions));
        memory.remember(found, readOptions);
        return found;
      } catch (err) {
        const known = isOutage(err) ? memory.recall(ids, readOptions) : undefined;
        if (known === undefined) throw err;
        return known;
      }
    },
    async search(collection, request) {
      const found = await guard(() => store.search(collection, request));
      remembered.get(collection)?.remember(found, request);
      return found;
    },
    async readMany(collection, reads) {
      const answers = await guard(() => store.readMany(collection, reads));
      const memory = remembered.get(collection);
      if (memory !== undefined) {
        answers.forEach((answer, i) => {
          const read = reads[i];
          if (read === undefined) return;
          memory.remember(answer.points, read.kind === 'search' ? read.request : read.options);
        });
      }
      return answers;
    },
    async scroll(collection, request) {
      const page = await guard(() => store.scroll(collection, request));
      remembered.get(collection)?.remember(page.points, request);
      return page;
    },
    count: (collection, filter) => guard(() => store.count(collection, filter)),
    delete: (collection, selector) => {
      if ('ids' in selector) forget(collection, selector.ids);
      else remembered.get(collection)?.clear();
      return guard(() => store.delete(collection, selector));
    },
    close: async () => {
      breaker.dispose();
      await store.close();
    },
  };
}
