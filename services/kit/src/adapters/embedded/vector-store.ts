import { type FileHandle, mkdir, open, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { CollectionLayoutError, TailorError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type {
  BatchAnswer,
  BatchRead,
  CollectionSpec,
  Filter,
  Payload,
  PayloadSelection,
  PointInput,
  ReadOptions,
  ScoredPoint,
  ScrollPage,
  ScrollRequest,
  SearchRequest,
  StoredPoint,
  Vector,
  VectorSpec,
  VectorStore,
  VectorUpdate,
} from '../../ports/vector-store.js';
import { splitLines, syncDirectory, writeAll, writeFileAtomic } from './files.js';
import { compileFilter, compileSlotFilter, type SlotPredicate, type SlotSource } from './filter.js';
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

/** Safe as a file name on every platform, and accepted by Qdrant as a collection name. */
const COLLECTION_NAME = /^[A-Za-z0-9_-]{1,200}$/;
const SNAPSHOT_MAGIC = Buffer.from('TLRVEC01', 'ascii');
const MIN_CAPACITY = 16;

/** Raised for input the store refuses; never worth retrying. */
export class VectorStoreError extends TailorError {
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: false, cause });
  }
}

/**
 * Shared memory, so the scan worker reads the vectors where they are. A view of a
 * SharedArrayBuffer reads as fast as one of an ArrayBuffer: the same scan of 100k × 256 floats
 * took 69.5 ms over either (tests/bench/RESULTS.md, "Vector store").
 */
function sharedFloats(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT));
}

function sharedBytes(length: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(length));
}

/** One named vector of every point, slot after slot in one typed array that grows. */
interface VectorColumn {
  name: string;
  size: number;
  distance: VectorSpec['distance'];
  data: Float32Array;
  /** 1 where the point at that slot has this vector; search skips the others. */
  present: Uint8Array;
}

/** A point checked and converted for storage: payload as JSON, vectors in column order. */
interface PreparedPoint {
  id: string;
  /**
   * The payload serialized once: the store's own copy (parsed only when a read needs the
   * object) and the write-ahead log's alike, so no caller holds a reference into the store.
   */
  payloadJson: string;
  /** The value of each key column's key, copied out of the payload (see Collection.keyColumns). */
  keyValues: unknown[];
  /** Null where the point lacks that vector. */
  vectors: (Float32Array | null)[];
}

/** Vectors to set on an existing point, in column order, null where left as it is. */
interface PreparedUpdate {
  id: string;
  vectors: (Float32Array | null)[];
}

type WalRecord =
  | { s: number; op: 'upsert'; points: { id: string; p: Payload; v: (string | null)[] }[] }
  | { s: number; op: 'vectors'; points: { id: string; v: (string | null)[] }[] }
  | { s: number; op: 'delete'; ids: string[] };

function toBase64(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

function fromBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  const vector = new Float32Array(bytes.length / 4);
  bytes.copy(Buffer.from(vector.buffer));
  return vector;
}

function toOptional(vector: Float32Array | null): string | null {
  return vector === null ? null : toBase64(vector);
}

function fromOptional(text: string | null): Float32Array | null {
  return text === null ? null : fromBase64(text);
}

/**
 * A copy of a JSON value (every stored payload is one: it went through JSON on the way in).
 * Walking the tree by hand costs a fraction of structuredClone, which serializes and parses.
 */
function copyJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i += 1) out[i] = copyJson(value[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const item = copyJson((value as Record<string, unknown>)[key]);
    // Assigning `__proto__` would set the copy's prototype instead of a key JSON gave it.
    if (key === '__proto__') {
      Object.defineProperty(out, key, {
        value: item,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else out[key] = item;
  }
  return out;
}

/**
 * Freezes a stored payload all the way down, once: search hits share it with the store rather
 * than copy it, and a frozen tree makes a caller's write throw instead of changing the store.
 * The root is frozen last, so a frozen root means a frozen tree.
 */
function freezeDeep<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const key of Object.keys(value)) freezeDeep((value as Record<string, unknown>)[key]);
  return Object.freeze(value);
}

const EMPTY_PAYLOAD: Payload = Object.freeze({});

/** The payload of a search hit: the stored one, frozen and shared, or a frozen selection of it. */
function sharePayload(payload: Payload, selection: PayloadSelection | undefined): Payload {
  if (selection === undefined || selection === true) return freezeDeep(payload);
  if (selection === false) return EMPTY_PAYLOAD;
  const out: Payload = {};
  for (const key of selection) {
    if (Object.hasOwn(payload, key)) out[key] = freezeDeep(payload[key]);
  }
  return Object.freeze(out);
}

function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * One collection in memory: ids, payloads and a column per named vector, all indexed by slot.
 * Deleting moves the last point into the freed slot so the columns stay dense and search is one
 * pass over contiguous memory.
 */
class Collection implements SlotSource {
  readonly columns: VectorColumn[];
  /**
   * The value of each top-level key the spec's `payloadIndexes` names, slot by slot, kept with
   * every write: a filter reads `inStock` from here with one array read per point (see
   * compileSlotFilter), where a lookup in each payload cost as much as half a dot product.
   */
  private readonly keyColumns = new Map<string, unknown[]>();
  ids: string[] = [];
  /**
   * Each slot's payload as an object, parsed from `payloadJsons` when first needed: a point is
   * often written again before anything reads its payload (a profile, once per batch), and
   * parsing every write was a third of the cost of one.
   */
  private payloads: (Payload | undefined)[] = [];
  /** Each slot's payload as written; undefined for payloads read back from a snapshot. */
  private payloadJsons: (string | undefined)[] = [];
  readonly slots = new Map<string, number>();
  private capacity = MIN_CAPACITY;
  private sortedIds: string[] | null = null;
  /**
   * Counts every change to slots, vectors or payloads: a scan on the worker thread that saw a
   * change happen meanwhile may have read a half-written vector, so its scores are thrown away.
   */
  version = 0;

  /** Sequence number of the last write-ahead record applied. */
  seq = 0;
  /** Sequence number the snapshot on disk includes. */
  snapshotSeq = 0;
  walBytes = 0;
  wal: FileHandle | null = null;
  /** Writes go one after the other, in the order they were asked for. */
  chain: Promise<void> = Promise.resolve();

  constructor(
    readonly spec: CollectionSpec,
    readonly walFile: string,
    readonly snapshotFile: string,
  ) {
    this.columns = Object.keys(spec.vectors)
      .sort()
      .map((name) => {
        const { size, distance } = spec.vectors[name]!;
        return {
          name,
          size,
          distance,
          data: sharedFloats(MIN_CAPACITY * size),
          present: sharedBytes(MIN_CAPACITY),
        };
      });
    for (const key of Object.keys(spec.payloadIndexes ?? {})) {
      if (/^[^.[\]]+$/.test(key)) this.keyColumns.set(key, []);
    }
  }

  keyColumn(key: string): readonly unknown[] | undefined {
    return this.keyColumns.get(key);
  }

  /** The stored payload itself (callers copy or freeze it before it leaves the store). */
  payloadAt(slot: number): Payload {
    let payload = this.payloads[slot];
    if (payload === undefined) {
      payload = JSON.parse(this.payloadJsons[slot]!) as Payload;
      this.payloads[slot] = payload;
    }
    return payload;
  }

  private payloadJsonAt(slot: number): string {
    return this.payloadJsons[slot] ?? JSON.stringify(this.payloads[slot]);
  }

  get name(): string {
    return this.spec.name;
  }

  get count(): number {
    return this.ids.length;
  }

  column(name: string): VectorColumn {
    const column = this.columns.find((c) => c.name === name);
    if (column === undefined) {
      throw new VectorStoreError(
        `Collection ${this.name} has no vector ${JSON.stringify(name)} (it has ${this.columns.map((c) => c.name).join(', ')})`,
      );
    }
    return column;
  }

  /** Checks one vector and converts it for storage: normalized for cosine columns. */
  prepareVector(column: VectorColumn, vector: Vector | undefined, what: string): Float32Array {
    if (vector === undefined || vector === null || typeof vector.length !== 'number') {
      throw new VectorStoreError(
        `Collection ${this.name}: ${what} is missing vector ${column.name}`,
      );
    }
    if (vector.length !== column.size) {
      throw new VectorStoreError(
        `Collection ${this.name}: vector ${column.name} of ${what} has ${vector.length} dimensions, expected ${column.size}`,
      );
    }
    const out = new Float32Array(column.size);
    let norm = 0;
    for (let i = 0; i < column.size; i += 1) {
      const x = Number(vector[i]);
      if (!Number.isFinite(x)) {
        throw new VectorStoreError(
          `Collection ${this.name}: vector ${column.name} of ${what} has a non-finite value at ${i}`,
        );
      }
      out[i] = x;
      norm += x * x;
    }
    if (column.distance === 'cosine' && norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let i = 0; i < column.size; i += 1) out[i] = out[i]! * scale;
    }
    return out;
  }

  /** The given vectors in column order, null for those not given. */
  private prepareVectors(
    given: Record<string, Vector> | undefined,
    what: string,
  ): (Float32Array | null)[] {
    const vectors = given ?? {};
    for (const name of Object.keys(vectors)) this.column(name);
    return this.columns.map((c) =>
      vectors[c.name] === undefined ? null : this.prepareVector(c, vectors[c.name], what),
    );
  }

  prepareUpdate(update: VectorUpdate): PreparedUpdate {
    if (typeof update?.id !== 'string') {
      throw new VectorStoreError(`Collection ${this.name}: point ids must be strings`);
    }
    return {
      id: update.id,
      vectors: this.prepareVectors(update.vectors, `point ${JSON.stringify(update.id)}`),
    };
  }

  prepare(point: PointInput): PreparedPoint {
    if (typeof point?.id !== 'string') {
      throw new VectorStoreError(`Collection ${this.name}: point ids must be strings`);
    }
    const what = `point ${JSON.stringify(point.id)}`;
    if (
      typeof point.payload !== 'object' ||
      point.payload === null ||
      Array.isArray(point.payload)
    ) {
      throw new VectorStoreError(`Collection ${this.name}: payload of ${what} must be an object`);
    }
    const keyValues: unknown[] = [];
    for (const key of this.keyColumns.keys()) keyValues.push(copyJson(point.payload[key]));
    return {
      id: point.id,
      payloadJson: JSON.stringify(point.payload),
      keyValues,
      vectors: this.prepareVectors(point.vectors, what),
    };
  }

  private grow(needed: number): void {
    if (needed <= this.capacity) return;
    let capacity = this.capacity;
    while (capacity < needed) capacity *= 2;
    for (const column of this.columns) {
      const data = sharedFloats(capacity * column.size);
      data.set(column.data.subarray(0, this.count * column.size));
      column.data = data;
      const present = sharedBytes(capacity);
      present.set(column.present.subarray(0, this.count));
      column.present = present;
    }
    this.capacity = capacity;
  }

  /** Upserts points given as prepared (a write) or as parsed payloads (replaying the log). */
  applyUpsert(
    points: readonly (
      PreparedPoint | { id: string; payload: Payload; vectors: (Float32Array | null)[] }
    )[],
  ): void {
    this.version += 1;
    for (const point of points) {
      let slot = this.slots.get(point.id);
      if (slot === undefined) {
        slot = this.count;
        this.grow(slot + 1);
        this.ids.push(point.id);
        this.slots.set(point.id, slot);
        this.sortedIds = null;
      }
      if ('payloadJson' in point) {
        this.payloads[slot] = undefined;
        this.payloadJsons[slot] = point.payloadJson;
        let i = 0;
        for (const values of this.keyColumns.values()) values[slot] = point.keyValues[i++];
      } else {
        this.payloads[slot] = point.payload;
        this.payloadJsons[slot] = undefined;
        for (const [key, values] of this.keyColumns) values[slot] = point.payload[key];
      }
      this.columns.forEach((column, i) => this.setVector(column, slot, point.vectors[i] ?? null));
    }
  }

  private setVector(column: VectorColumn, slot: number, vector: Float32Array | null): void {
    if (vector === null) {
      column.present[slot] = 0;
      column.data.fill(0, slot * column.size, (slot + 1) * column.size);
    } else {
      column.present[slot] = 1;
      column.data.set(vector, slot * column.size);
    }
  }

  /** Sets the given vectors of points that exist; other ids are skipped. */
  applyVectors(updates: readonly PreparedUpdate[]): void {
    this.version += 1;
    for (const update of updates) {
      const slot = this.slots.get(update.id);
      if (slot === undefined) continue;
      this.columns.forEach((column, i) => {
        const vector = update.vectors[i];
        if (vector !== null && vector !== undefined) this.setVector(column, slot, vector);
      });
    }
  }

  applyDelete(ids: readonly string[]): void {
    this.version += 1;
    for (const id of ids) {
      const slot = this.slots.get(id);
      if (slot === undefined) continue;
      const last = this.count - 1;
      if (slot !== last) {
        const moved = this.ids[last]!;
        this.ids[slot] = moved;
        this.payloads[slot] = this.payloads[last];
        this.payloadJsons[slot] = this.payloadJsons[last];
        for (const values of this.keyColumns.values()) values[slot] = values[last];
        this.slots.set(moved, slot);
        for (const c of this.columns) {
          c.data.copyWithin(slot * c.size, last * c.size, (last + 1) * c.size);
          c.present[slot] = c.present[last]!;
        }
      }
      this.ids.pop();
      this.payloads.pop();
      this.payloadJsons.pop();
      for (const values of this.keyColumns.values()) values.pop();
      this.slots.delete(id);
      this.sortedIds = null;
    }
  }

  /** Ids in code-unit order: the stable order scroll pages through. */
  sorted(): string[] {
    this.sortedIds ??= [...this.ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return this.sortedIds;
  }

  vectorsOf(slot: number): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {};
    for (const c of this.columns) {
      if (c.present[slot] === 1) out[c.name] = c.data.slice(slot * c.size, (slot + 1) * c.size);
    }
    return out;
  }

  /** A private copy of the slot's payload with the selected top-level keys (all by default). */
  private selectPayload(slot: number, selection: PayloadSelection | undefined): Payload {
    if (selection === undefined || selection === true) {
      const json = this.payloadJsons[slot];
      return json === undefined
        ? (copyJson(this.payloads[slot]) as Payload)
        : (JSON.parse(json) as Payload);
    }
    if (selection === false) return {};
    // Keys kept as columns are read from there, so a point not yet parsed stays so.
    const columns = selection.map((key) => this.keyColumns.get(key));
    if (this.payloads[slot] === undefined && columns.every((c) => c !== undefined)) {
      const out: Payload = {};
      selection.forEach((key, i) => {
        const value = columns[i]![slot];
        if (value !== undefined) out[key] = copyJson(value);
      });
      return out;
    }
    const payload = this.payloadAt(slot);
    const out: Payload = {};
    for (const key of selection) {
      if (Object.hasOwn(payload, key)) out[key] = copyJson(payload[key]);
    }
    return out;
  }

  /** The point with a private copy of its payload, which the caller may change. */
  pointAt(slot: number, read: ReadOptions = {}): StoredPoint {
    const point: StoredPoint = {
      id: this.ids[slot]!,
      payload: this.selectPayload(slot, read.withPayload),
    };
    if (read.withVectors === true) point.vectors = this.vectorsOf(slot);
    return point;
  }

  /** A search hit: the payload is shared with the store and frozen (see {@link sharePayload}). */
  hitAt(slot: number, score: number, read: ReadOptions): ScoredPoint {
    const hit: ScoredPoint = {
      id: this.ids[slot]!,
      payload: sharePayload(this.payloadAt(slot), read.withPayload),
      score,
    };
    if (read.withVectors === true) hit.vectors = this.vectorsOf(slot);
    return hit;
  }

  /**
   * The snapshot: magic, header length, JSON header (ids, payloads), then each column, then
   * (version 2) each column's presence bytes.
   */
  snapshotChunks(): Uint8Array[] {
    const rest = JSON.stringify({
      version: 2,
      spec: this.spec,
      seq: this.seq,
      count: this.count,
      columns: this.columns.map((c) => c.name),
      ids: this.ids,
    });
    // The payloads as they were written, not serialized again.
    const payloads: string[] = [];
    for (let slot = 0; slot < this.count; slot += 1) payloads.push(this.payloadJsonAt(slot));
    const header = Buffer.from(`${rest.slice(0, -1)},"payloads":[${payloads.join(',')}]}`, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length);
    const chunks: Uint8Array[] = [SNAPSHOT_MAGIC, length, header];
    for (const c of this.columns) {
      chunks.push(new Uint8Array(c.data.buffer, c.data.byteOffset, this.count * c.size * 4));
    }
    for (const c of this.columns) chunks.push(c.present.subarray(0, this.count));
    return chunks;
  }

  loadSnapshot(bytes: Buffer): void {
    if (bytes.length < 12 || !bytes.subarray(0, 8).equals(SNAPSHOT_MAGIC)) {
      throw new Error(`${this.snapshotFile} is not a vector snapshot`);
    }
    const headerLength = bytes.readUInt32LE(8);
    const header = JSON.parse(bytes.subarray(12, 12 + headerLength).toString('utf8')) as {
      version?: number;
      seq: number;
      count: number;
      columns: string[];
      ids: string[];
      payloads: Payload[];
    };
    this.grow(header.count);
    let offset = 12 + headerLength;
    for (const name of header.columns) {
      const column = this.column(name);
      const byteLength = header.count * column.size * 4;
      if (offset + byteLength > bytes.length) throw new Error(`${this.snapshotFile} is truncated`);
      bytes.copy(
        Buffer.from(column.data.buffer, column.data.byteOffset),
        0,
        offset,
        offset + byteLength,
      );
      offset += byteLength;
    }
    for (const name of header.columns) {
      const column = this.column(name);
      // Version 1 snapshots predate optional vectors: every point had every vector.
      if ((header.version ?? 1) < 2) column.present.fill(1, 0, header.count);
      else {
        if (offset + header.count > bytes.length) {
          throw new Error(`${this.snapshotFile} is truncated`);
        }
        column.present.set(bytes.subarray(offset, offset + header.count));
        offset += header.count;
      }
    }
    this.ids = header.ids;
    this.payloads = header.payloads;
    this.payloadJsons = new Array<string | undefined>(header.count).fill(undefined);
    for (const [key, values] of this.keyColumns) {
      values.length = 0;
      for (const payload of header.payloads) values.push(payload[key]);
    }
    header.ids.forEach((id, slot) => this.slots.set(id, slot));
    this.seq = header.seq;
    this.snapshotSeq = header.seq;
  }

  /** Applies write-ahead records newer than the snapshot; returns the bytes kept. */
  replayWal(text: string, log: Logger): { complete: number; torn: boolean } {
    const { lines, complete, torn } = splitLines(text);
    lines.forEach((line, index) => {
      let record: WalRecord;
      try {
        record = JSON.parse(line) as WalRecord;
      } catch (err) {
        throw new Error(`Corrupt write-ahead log ${this.walFile} at line ${index + 1}`, {
          cause: err,
        });
      }
      if (record.s <= this.seq) return;
      if (record.op === 'upsert') {
        this.applyUpsert(
          record.points.map((p) => ({ id: p.id, payload: p.p, vectors: p.v.map(fromOptional) })),
        );
      } else if (record.op === 'vectors') {
        this.applyVectors(record.points.map((p) => ({ id: p.id, vectors: p.v.map(fromOptional) })));
      } else {
        this.applyDelete(record.ids);
      }
      this.seq = record.s;
    });
    if (torn)
      log.warn({ file: this.walFile, keptBytes: complete }, 'cutting off a record torn by a crash');
    return { complete, torn };
  }
}

/**
 * The log line of an upsert: a {@link WalRecord} as `JSON.stringify` would write it, with each
 * payload's JSON as `prepare` made it. Serializing every payload again for the log was a third
 * of the cost of a write (profiles: one upsert per batch of hundreds of payloads).
 */
function upsertLine(seq: number, points: readonly PreparedPoint[]): string {
  const entries = points.map(
    (p) =>
      `{"id":${JSON.stringify(p.id)},"p":${p.payloadJson},"v":${JSON.stringify(p.vectors.map(toOptional))}}`,
  );
  return `{"s":${seq},"op":"upsert","points":[${entries.join(',')}]}`;
}

function checkLimit(limit: number, what: string): number {
  if (!Number.isInteger(limit) || limit < 0) {
    throw new VectorStoreError(`${what} must be a whole number of at least 0, got ${limit}`);
  }
  return limit;
}

function sameSpec(
  a: CollectionSpec,
  b: CollectionSpec,
): { vector: string; problem: string } | null {
  const names = new Set([...Object.keys(a.vectors), ...Object.keys(b.vectors)]);
  for (const name of names) {
    const x = a.vectors[name];
    const y = b.vectors[name];
    const problem =
      x === undefined || y === undefined
        ? `vector ${name} is in only one of them`
        : x.size !== y.size
          ? `vector ${name} has size ${x.size}, asked for ${y.size}`
          : x.distance !== y.distance
            ? `vector ${name} uses ${x.distance} distance, asked for ${y.distance}`
            : null;
    if (problem !== null) return { vector: name, problem };
  }
  return null;
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
      const collection = await this.load(name);
      this.collections.set(name, collection);
      this.prestartWorker(collection);
      points += collection.count;
    }
    this.log.info({ collections: this.collections.size, points }, 'embedded vector store opened');
  }

  private files(name: string): { wal: string; snapshot: string } {
    return {
      wal: path.join(this.dir, `${name}.wal`),
      snapshot: path.join(this.dir, `${name}.snapshot`),
    };
  }

  private async load(name: string): Promise<Collection> {
    const files = this.files(name);
    const bytes = await readFile(files.snapshot);
    const headerLength = bytes.readUInt32LE(8);
    const { spec } = JSON.parse(bytes.subarray(12, 12 + headerLength).toString('utf8')) as {
      spec: CollectionSpec;
    };
    const collection = new Collection(spec, files.wal, files.snapshot);
    collection.loadSnapshot(bytes);
    let text = '';
    try {
      text = await readFile(files.wal, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const { complete, torn } = collection.replayWal(text, this.log);
    collection.walBytes = complete;
    if (torn) {
      const handle = await open(files.wal, 'r+');
      try {
        await handle.truncate(complete);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    return collection;
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

  private async appendWal(collection: Collection, line: string): Promise<void> {
    const data = Buffer.from(`${line}\n`, 'utf8');
    if (collection.wal === null) {
      collection.wal = await open(collection.walFile, 'a');
      await syncDirectory(this.dir);
    }
    try {
      await writeAll(collection.wal, data);
      await collection.wal.datasync();
    } catch (err) {
      await collection.wal.truncate(collection.walBytes).catch(() => undefined);
      throw err;
    }
    collection.walBytes += data.length;
  }

  /** Writes the snapshot, then empties the log it now includes. */
  private async snapshot(collection: Collection): Promise<void> {
    await writeFileAtomic(collection.snapshotFile, collection.snapshotChunks());
    collection.snapshotSeq = collection.seq;
    // A crash before this truncate is harmless: replay skips records the snapshot includes.
    if (collection.wal !== null) {
      await collection.wal.truncate(0);
      await collection.wal.sync();
    }
    collection.walBytes = 0;
    this.log.debug({ collection: collection.name, points: collection.count }, 'wrote snapshot');
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
    await this.appendWal(collection, line);
    apply();
    collection.seq = seq;
    this.prestartWorker(collection);
    if (collection.walBytes > this.snapshotWalBytes) await this.snapshot(collection);
  }

  async ensureCollection(spec: CollectionSpec): Promise<void> {
    this.checkOpen();
    if (typeof spec?.name !== 'string' || !COLLECTION_NAME.test(spec.name)) {
      throw new VectorStoreError(
        `Invalid collection name ${JSON.stringify(spec?.name)}: use 1 to 200 letters, digits, '_' or '-'`,
      );
    }
    const names = Object.keys(spec.vectors ?? {});
    if (names.length === 0)
      throw new VectorStoreError(`Collection ${spec.name} needs at least one vector`);
    for (const name of names) {
      const { size, distance } = spec.vectors[name]!;
      if (!Number.isInteger(size) || size < 1 || size > 65_536) {
        throw new VectorStoreError(
          `Collection ${spec.name}: vector ${name} needs a size from 1 to 65536`,
        );
      }
      if (distance !== 'cosine' && distance !== 'dot') {
        throw new VectorStoreError(
          `Collection ${spec.name}: vector ${name} needs distance cosine or dot`,
        );
      }
    }
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
    const files = this.files(spec.name);
    const stored: CollectionSpec = {
      name: spec.name,
      vectors: jsonCopy(spec.vectors),
      ...(spec.payloadIndexes === undefined
        ? {}
        : { payloadIndexes: jsonCopy(spec.payloadIndexes) }),
    };
    const creating = (async () => {
      const collection = new Collection(stored, files.wal, files.snapshot);
      // The collection exists once its (empty) snapshot does.
      await this.snapshot(collection);
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
        collection.applyUpsert(prepared),
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
      const record: WalRecord = {
        s: collection.seq + 1,
        op: 'vectors',
        points: applying.map((p) => ({ id: p.id, v: p.vectors.map(toOptional) })),
      };
      await this.write(collection, record.s, JSON.stringify(record), () =>
        collection.applyVectors(applying),
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
      const record: WalRecord = { s: collection.seq + 1, op: 'delete', ids };
      await this.write(collection, record.s, JSON.stringify(record), () =>
        collection.applyDelete(ids),
      );
      // A deleted point must leave the disk too (forgetUser, a shredded key): until a snapshot
      // its old payload would still sit in the write-ahead log. Deletes are rare, so the cost
      // of rewriting the collection is paid where it buys erasure.
      await this.snapshot(collection);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.creating.values()]);
    for (const collection of this.collections.values()) {
      await collection.chain;
      try {
        if (collection.seq !== collection.snapshotSeq) await this.snapshot(collection);
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
