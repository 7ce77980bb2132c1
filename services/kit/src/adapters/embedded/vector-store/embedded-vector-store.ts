import { mkdir, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { CollectionLayoutError } from '../../../errors.js';
import type { Logger } from '../../../logger.js';
import type {
  BatchAnswer,
  BatchRead,
  CollectionSpec,
  Filter,
  PointInput,
  ReadOptions,
  ScoredPoint,
  ScrollPage,
  ScrollRequest,
  SearchRequest,
  StoredPoint,
  VectorStore,
  VectorUpdate,
} from '../../../ports/vector-store.js';
import { Collection } from './collection.js';
import { checkCollectionSpec, COLLECTION_NAME, sameSpec, storedSpec } from './collection-spec.js';
import { VectorStoreError } from './errors.js';
import { compileFilter, compileSlotFilter, type SlotPredicate } from './filter.js';
import {
  appendWal,
  collectionFiles,
  deleteLine,
  loadCollection,
  upsertLine,
  vectorsLine,
  writeSnapshot,
} from './persistence.js';
import { scanTopK } from './scan.js';
import { ScanPool } from './scan-pool.js';
import { TopK } from './top-k.js';

/** Options of {@link createEmbeddedVectorStore}. */
export interface EmbeddedVectorStoreOptions {
  /** The store keeps `<collection>.snapshot` and `<collection>.wal` in `<dataDir>/vectors/`. */
  dataDir: string;
  logger: Logger;
  /**
   * When a collection's write-ahead log grows past this many bytes, a snapshot is written and
   * the log emptied, so reopening stays fast.
   */
  snapshotWalBytes?: number;
  /**
   * A search that reads at least this many stored floats (points × dimensions of the searched
   * vector) is scored on a worker thread, so the thread serving every other request stays free;
   * smaller ones run inline, where they cost less than the hand-off. `Infinity` keeps every
   * search inline.
   */
  workerScanMinValues?: number;
  /**
   * Worker threads a large scan is split across, each scoring its share of the slots. Default:
   * one per core, at most 2, so a search uses the machine while the serving thread keeps its
   * turn.
   */
  scanWorkers?: number;
}

export const EMBEDDED_STORE_DEFAULTS = {
  snapshotWalBytes: 64 * 1024 * 1024,
  // About 8k points of 256 dimensions: below that a scan takes less than the worker's
  // round trip is worth (tests/bench/RESULTS.md, "Vector store").
  workerScanMinValues: 2_000_000,
  /** One per core, at most 2. */
  scanWorkers: Math.min(2, Math.max(1, os.availableParallelism())),
} as const;

function checkLimit(limit: number, what: string): number {
  if (!Number.isInteger(limit) || limit < 0) {
    throw new VectorStoreError(`${what} must be a whole number of at least 0, got ${limit}`);
  }
  return limit;
}

class EmbeddedVectorStore implements VectorStore {
  private readonly collections = new Map<string, Collection>();
  private readonly creating = new Map<string, Promise<Collection>>();
  private closed = false;
  private readonly worker: ScanPool;

  constructor(
    private readonly dir: string,
    private readonly snapshotWalBytes: number,
    private readonly workerScanMinValues: number,
    scanWorkers: number,
    private readonly log: Logger,
  ) {
    this.worker = new ScanPool(scanWorkers, log);
  }

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    let points = 0;
    for (const entry of await readdir(this.dir)) {
      if (!entry.endsWith('.snapshot')) continue;
      const name = entry.slice(0, -'.snapshot'.length);
      if (!COLLECTION_NAME.test(name)) continue;
      const collection = await loadCollection(this.dir, name, this.log);
      this.collections.set(name, collection);
      this.prestartWorker(collection);
      points += collection.count;
    }
    this.log.info({ collections: this.collections.size, points }, 'embedded vector store opened');
  }

  /** Starts the scan worker once a collection is large enough for its searches to use it. */
  private prestartWorker(collection: Collection): void {
    const largest = Math.max(...collection.columns.map((c) => c.size));
    if (collection.count * largest >= this.workerScanMinValues && collection.count > 0) {
      this.worker.prestart();
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new VectorStoreError('The embedded vector store is closed');
  }

  private get(name: string): Collection {
    this.checkOpen();
    const collection = this.collections.get(name);
    if (collection === undefined) {
      throw new VectorStoreError(`Collection ${JSON.stringify(name)} does not exist`);
    }
    return collection;
  }

  /** Runs `write` after every earlier write of the collection, even failed ones. */
  private serial(collection: Collection, write: () => Promise<void>): Promise<void> {
    const run = collection.chain.then(write);
    collection.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Logs the record (`seq` and its JSON line), applies it, and compacts when the log has grown
   * past the threshold.
   */
  private async write(
    collection: Collection,
    seq: number,
    line: string,
    apply: () => void,
  ): Promise<void> {
    await appendWal(collection, line, this.dir);
    apply();
    collection.seq = seq;
    this.prestartWorker(collection);
    if (collection.walBytes > this.snapshotWalBytes) await writeSnapshot(collection, this.log);
  }

  async ensureCollection(spec: CollectionSpec): Promise<void> {
    this.checkOpen();
    checkCollectionSpec(spec);
    const existing = this.collections.get(spec.name) ?? (await this.creating.get(spec.name));
    if (existing !== undefined) {
      const difference = sameSpec(existing.spec, spec);
      if (difference !== null) {
        throw new CollectionLayoutError(
          `Collection ${spec.name} exists with other vectors: ${difference.problem}`,
          spec.name,
          difference.vector,
        );
      }
      return;
    }
    const files = collectionFiles(this.dir, spec.name);
    const stored = storedSpec(spec);
    const creating = (async () => {
      const collection = new Collection(stored, files.wal, files.snapshot);
      // The collection exists once its (empty) snapshot does.
      await writeSnapshot(collection, this.log);
      this.collections.set(spec.name, collection);
      this.log.info({ collection: spec.name, vectors: stored.vectors }, 'created collection');
      return collection;
    })();
    this.creating.set(spec.name, creating);
    try {
      await creating;
    } finally {
      this.creating.delete(spec.name);
    }
  }

  async upsert(name: string, points: readonly PointInput[]): Promise<void> {
    const collection = this.get(name);
    const prepared = points.map((p) => collection.prepare(p));
    if (prepared.length === 0) return;
    await this.serial(collection, () => {
      const seq = collection.seq + 1;
      return this.write(collection, seq, upsertLine(seq, prepared), () =>
        collection.applyUpsert(prepared, seq),
      );
    });
  }

  async updateVectors(name: string, points: readonly VectorUpdate[]): Promise<void> {
    const collection = this.get(name);
    const prepared = points.map((p) => collection.prepareUpdate(p));
    await this.serial(collection, async () => {
      // Resolved inside the write order, so the log holds only updates that applied.
      const applying = prepared.filter((p) => collection.slots.has(p.id));
      if (applying.length === 0) return;
      const seq = collection.seq + 1;
      await this.write(collection, seq, vectorsLine(seq, applying), () =>
        collection.applyVectors(applying, seq),
      );
    });
  }

  async retrieve(
    name: string,
    ids: readonly string[],
    options: ReadOptions = {},
  ): Promise<StoredPoint[]> {
    const collection = this.get(name);
    const out: StoredPoint[] = [];
    for (const id of new Set(ids)) {
      const slot = collection.slots.get(id);
      if (slot !== undefined) out.push(collection.pointAt(slot, options));
    }
    return out;
  }

  async search(name: string, request: SearchRequest): Promise<ScoredPoint[]> {
    const collection = this.get(name);
    const column = collection.column(request.using);
    const limit = checkLimit(request.limit, 'limit');
    let query: Float32Array;
    let skipId: string | undefined;
    if (request.nearPoint === undefined) {
      query = collection.prepareVector(column, request.vector, 'the query');
    } else {
      const { id, using = request.using } = request.nearPoint;
      const holder = this.get(request.nearPoint.collection ?? name);
      const holderColumn = holder.column(using);
      const slot = holder.slots.get(id);
      // Like Qdrant: a point that is missing or lacks the vector finds nothing.
      if (slot === undefined || holderColumn.present[slot] === 0) return [];
      const stored = holderColumn.data.slice(
        slot * holderColumn.size,
        (slot + 1) * holderColumn.size,
      );
      query = collection.prepareVector(column, stored, `the vector of point ${JSON.stringify(id)}`);
      skipId = id;
    }
    const predicate =
      request.filter === undefined ? null : compileSlotFilter(request.filter, collection);
    if (limit === 0 || collection.count === 0) return [];

    // Cosine vectors were normalized on write, and the query just now, so the dot product is
    // the cosine.
    if (collection.count * column.size >= this.workerScanMinValues) {
      const version = collection.version;
      const count = collection.count;
      const found = await this.worker
        .scan({
          column,
          count,
          query,
          limit: Math.min(limit, count),
          skipSlot: this.skipSlot(collection, skipId),
          mask: predicate === null ? null : this.mask(collection.count, predicate),
        })
        .catch((err: unknown) => {
          if (!this.closed) this.log.warn({ err, collection: name }, 'scan worker failed: inline');
          return null;
        });
      // A scan that overlapped a write may have read a half-written vector: scan again inline.
      if (found !== null && collection.version === version && !this.closed) {
        this.log.debug({ collection: name, points: count }, 'scanned on the worker thread');
        return found.map(({ score, slot }) => collection.hitAt(slot, score, request));
      }
      this.checkOpen();
      if (found !== null) {
        this.log.debug({ collection: name }, 'a write overlapped the worker scan: scanning inline');
      }
    }
    const top = new TopK(Math.min(limit, collection.count));
    const skipSlot = this.skipSlot(collection, skipId);
    scanTopK(column, 0, collection.count, query, top, skipSlot, predicate);
    return top.sorted().map(({ score, slot }) => collection.hitAt(slot, score, request));
  }

  /**
   * The slots that pass the filter, in shared memory for the worker. Built here because the
   * payloads live on this thread: one predicate call per point, allocating nothing per point.
   */
  private mask(count: number, predicate: SlotPredicate): Uint8Array {
    const mask = new Uint8Array(new SharedArrayBuffer(Math.max(1, count)));
    for (let slot = 0; slot < count; slot += 1) if (predicate(slot)) mask[slot] = 1;
    return mask;
  }

  private skipSlot(collection: Collection, id: string | undefined): number {
    return id === undefined ? -1 : (collection.slots.get(id) ?? -1);
  }

  async readMany(name: string, reads: readonly BatchRead[]): Promise<BatchAnswer[]> {
    const answers: BatchAnswer[] = [];
    // In process there is no round trip to save: each read runs as it would alone.
    for (const read of reads) {
      answers.push(
        read.kind === 'search'
          ? { kind: 'search', points: await this.search(name, read.request) }
          : { kind: 'retrieve', points: await this.retrieve(name, read.ids, read.options) },
      );
    }
    return answers;
  }

  async scroll(name: string, request: ScrollRequest): Promise<ScrollPage> {
    const collection = this.get(name);
    const limit = checkLimit(request.limit, 'limit');
    const predicate = compileFilter(request.filter);
    const sorted = collection.sorted();
    // The cursor is the id the next page starts at; ids inserted meanwhile keep their place.
    let index = 0;
    if (request.cursor !== undefined) {
      let low = 0;
      let high = sorted.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (sorted[mid]! < request.cursor) low = mid + 1;
        else high = mid;
      }
      index = low;
    }
    const points: StoredPoint[] = [];
    for (; index < sorted.length; index += 1) {
      const id = sorted[index]!;
      const slot = collection.slots.get(id)!;
      if (!predicate(id, collection.payloadAt(slot))) continue;
      if (points.length === limit) return { points, nextCursor: id };
      points.push(collection.pointAt(slot, request));
    }
    return { points, nextCursor: null };
  }

  async count(name: string, filter?: Filter): Promise<number> {
    const collection = this.get(name);
    if (filter === undefined) return collection.count;
    const predicate = compileFilter(filter);
    const { ids } = collection;
    let count = 0;
    for (let slot = 0; slot < ids.length; slot += 1) {
      if (predicate(ids[slot]!, collection.payloadAt(slot))) count += 1;
    }
    return count;
  }

  async delete(
    name: string,
    selector: { ids: readonly string[] } | { filter: Filter },
  ): Promise<void> {
    const collection = this.get(name);
    const predicate = 'filter' in selector ? compileFilter(selector.filter) : null;
    if (predicate === null && !Array.isArray((selector as { ids: unknown }).ids)) {
      throw new VectorStoreError(`Collection ${name}: delete needs ids or a filter`);
    }
    await this.serial(collection, async () => {
      // Resolved to ids inside the write order, so the log replays exactly what happened.
      const ids =
        predicate === null
          ? [...new Set((selector as { ids: readonly string[] }).ids)].filter((id) =>
              collection.slots.has(id),
            )
          : collection.ids.filter((id, slot) => predicate(id, collection.payloadAt(slot)));
      if (ids.length === 0) return;
      const seq = collection.seq + 1;
      await this.write(collection, seq, deleteLine(seq, ids), () => collection.applyDelete(ids));
      // A deleted point must leave the disk too (forgetUser, a shredded key): until a snapshot
      // its old payload would still sit in the write-ahead log. Deletes are rare, so the cost
      // of rewriting the collection is paid where it buys erasure.
      await writeSnapshot(collection, this.log);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.creating.values()]);
    for (const collection of this.collections.values()) {
      await collection.chain;
      try {
        if (collection.seq !== collection.snapshotSeq) await writeSnapshot(collection, this.log);
      } catch (err) {
        // The write-ahead log still holds everything: reopening recovers from it.
        this.log.error({ err, collection: collection.name }, 'could not write snapshot on close');
      }
      await collection.wal?.close();
      collection.wal = null;
    }
    await this.worker.close();
    this.log.info('embedded vector store closed');
  }
}

/**
 * An in-process VectorStore: exact search over Float32Array columns (cosine vectors normalized
 * on write, dot vectors kept as given), Qdrant's filter semantics, and durability through a
 * write-ahead log per collection (`<dataDir>/vectors/<collection>.wal`, synced before a write
 * resolves) plus a binary snapshot (`<collection>.snapshot`) written atomically on close and
 * whenever the log passes `snapshotWalBytes`. Everything is held in memory: a collection of
 * 100k points of 256 dimensions takes about 100 MB of vectors. Vectors sit in shared memory so
 * searches reading at least `workerScanMinValues` floats are scored on one worker thread while
 * this thread stays free; search hits share their payloads frozen, reads copy them.
 */
export async function createEmbeddedVectorStore(
  options: EmbeddedVectorStoreOptions,
): Promise<VectorStore> {
  if (os.endianness() !== 'LE') {
    throw new Error(
      'The embedded vector store writes little-endian snapshots and needs such a machine',
    );
  }
  const snapshotWalBytes = options.snapshotWalBytes ?? EMBEDDED_STORE_DEFAULTS.snapshotWalBytes;
  if (!Number.isInteger(snapshotWalBytes) || snapshotWalBytes < 0) {
    throw new RangeError(
      `snapshotWalBytes must be a whole number of bytes, got ${snapshotWalBytes}`,
    );
  }
  const workerScanMinValues =
    options.workerScanMinValues ?? EMBEDDED_STORE_DEFAULTS.workerScanMinValues;
  if (!(workerScanMinValues >= 0)) {
    throw new RangeError(
      `workerScanMinValues must be a number of at least 0 (or Infinity), got ${workerScanMinValues}`,
    );
  }
  const scanWorkers = options.scanWorkers ?? EMBEDDED_STORE_DEFAULTS.scanWorkers;
  if (!Number.isInteger(scanWorkers) || scanWorkers < 1 || scanWorkers > 64) {
    throw new RangeError(`scanWorkers must be a whole number from 1 to 64, got ${scanWorkers}`);
  }
  const store = new EmbeddedVectorStore(
    path.join(options.dataDir, 'vectors'),
    snapshotWalBytes,
    workerScanMinValues,
    scanWorkers,
    options.logger.child({ component: 'embedded-vector-store' }),
  );
  await store.open();
  return store;
}
