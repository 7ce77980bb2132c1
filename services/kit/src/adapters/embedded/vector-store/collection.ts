import type { FileHandle } from 'node:fs/promises';

import type {
  CollectionSpec,
  Payload,
  PayloadSelection,
  PointInput,
  ReadOptions,
  ScoredPoint,
  StoredPoint,
  Vector,
  VectorSpec,
  VectorUpdate,
} from '../../../ports/vector-store.js';
import { VectorStoreError } from './errors.js';
import type { SlotSource } from './filter.js';
import { copyJson, sharePayload } from './payloads.js';

const MIN_CAPACITY = 16;

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
export interface VectorColumn {
  name: string;
  size: number;
  distance: VectorSpec['distance'];
  data: Float32Array;
  /** 1 where the point at that slot has this vector; search skips the others. */
  present: Uint8Array;
}

/** A point checked and converted for storage: payload as JSON, vectors in column order. */
export interface PreparedPoint {
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
export interface PreparedUpdate {
  id: string;
  vectors: (Float32Array | null)[];
}

/**
 * One collection in memory: ids, payloads and a column per named vector, all indexed by slot.
 * Deleting moves the last point into the freed slot so the columns stay dense and search is one
 * pass over contiguous memory.
 */
export class Collection implements SlotSource {
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
  /**
   * Each slot's point version: the sequence number of the last write of the point, as Qdrant's
   * is the number of the last operation on it. Points read back from a snapshot get the
   * snapshot's number (their last write is at or before it), so a version never goes back.
   */
  private versions: number[] = [];
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

  payloadJsonAt(slot: number): string {
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

  grow(needed: number): void {
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
    seq: number,
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
      this.versions[slot] = seq;
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
  applyVectors(updates: readonly PreparedUpdate[], seq: number): void {
    this.version += 1;
    for (const update of updates) {
      const slot = this.slots.get(update.id);
      if (slot === undefined) continue;
      this.versions[slot] = seq;
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
        this.versions[slot] = this.versions[last]!;
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
      this.versions.pop();
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

  /** Takes a snapshot's points as the collection's, once their vectors are in the columns. */
  restore(snapshot: { seq: number; count: number; ids: string[]; payloads: Payload[] }): void {
    this.ids = snapshot.ids;
    this.payloads = snapshot.payloads;
    this.payloadJsons = new Array<string | undefined>(snapshot.count).fill(undefined);
    this.versions = new Array<number>(snapshot.count).fill(snapshot.seq);
    for (const [key, values] of this.keyColumns) {
      values.length = 0;
      for (const payload of snapshot.payloads) values.push(payload[key]);
    }
    snapshot.ids.forEach((id, slot) => this.slots.set(id, slot));
    this.seq = snapshot.seq;
    this.snapshotSeq = snapshot.seq;
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
      version: this.versions[slot]!,
    };
    if (read.withVectors === true) hit.vectors = this.vectorsOf(slot);
    return hit;
  }
}
