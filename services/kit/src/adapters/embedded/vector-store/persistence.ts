import { open, readFile } from 'node:fs/promises';
import path from 'node:path';

import type { Logger } from '../../../logger.js';
import type { CollectionSpec, Payload } from '../../../ports/vector-store.js';
import {
  appendSynced,
  splitLines,
  syncDirectory,
  truncateFile,
  writeFileAtomic,
} from '../files.js';
import { Collection, type PreparedPoint, type PreparedUpdate } from './collection.js';

const SNAPSHOT_MAGIC = Buffer.from('TLRVEC01', 'ascii');

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
 * The log line of an upsert: a {@link WalRecord} as `JSON.stringify` would write it, with each
 * payload's JSON as `prepare` made it. Serializing every payload again for the log was a third
 * of the cost of a write (profiles: one upsert per batch of hundreds of payloads).
 */
export function upsertLine(seq: number, points: readonly PreparedPoint[]): string {
  const entries = points.map(
    (p) =>
      `{"id":${JSON.stringify(p.id)},"p":${p.payloadJson},"v":${JSON.stringify(p.vectors.map(toOptional))}}`,
  );
  return `{"s":${seq},"op":"upsert","points":[${entries.join(',')}]}`;
}

/** The log line of a change of vectors of points that exist. */
export function vectorsLine(seq: number, updates: readonly PreparedUpdate[]): string {
  const record: WalRecord = {
    s: seq,
    op: 'vectors',
    points: updates.map((p) => ({ id: p.id, v: p.vectors.map(toOptional) })),
  };
  return JSON.stringify(record);
}

/** The log line of a delete, resolved to the ids it removes. */
export function deleteLine(seq: number, ids: string[]): string {
  const record: WalRecord = { s: seq, op: 'delete', ids };
  return JSON.stringify(record);
}

/** Where a collection's write-ahead log and snapshot live in the store's folder. */
export function collectionFiles(dir: string, name: string): { wal: string; snapshot: string } {
  return {
    wal: path.join(dir, `${name}.wal`),
    snapshot: path.join(dir, `${name}.snapshot`),
  };
}

/**
 * The snapshot: magic, header length, JSON header (ids, payloads), then each column, then
 * (version 2) each column's presence bytes.
 */
function snapshotChunks(collection: Collection): Uint8Array[] {
  const rest = JSON.stringify({
    version: 2,
    spec: collection.spec,
    seq: collection.seq,
    count: collection.count,
    columns: collection.columns.map((c) => c.name),
    ids: collection.ids,
  });
  // The payloads as they were written, not serialized again.
  const payloads: string[] = [];
  for (let slot = 0; slot < collection.count; slot += 1) {
    payloads.push(collection.payloadJsonAt(slot));
  }
  const header = Buffer.from(`${rest.slice(0, -1)},"payloads":[${payloads.join(',')}]}`, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const chunks: Uint8Array[] = [SNAPSHOT_MAGIC, length, header];
  for (const c of collection.columns) {
    chunks.push(new Uint8Array(c.data.buffer, c.data.byteOffset, collection.count * c.size * 4));
  }
  for (const c of collection.columns) chunks.push(c.present.subarray(0, collection.count));
  return chunks;
}

function loadSnapshot(collection: Collection, bytes: Buffer): void {
  const file = collection.snapshotFile;
  if (bytes.length < 12 || !bytes.subarray(0, 8).equals(SNAPSHOT_MAGIC)) {
    throw new Error(`${file} is not a vector snapshot`);
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
  collection.grow(header.count);
  let offset = 12 + headerLength;
  for (const name of header.columns) {
    const column = collection.column(name);
    const byteLength = header.count * column.size * 4;
    if (offset + byteLength > bytes.length) throw new Error(`${file} is truncated`);
    bytes.copy(
      Buffer.from(column.data.buffer, column.data.byteOffset),
      0,
      offset,
      offset + byteLength,
    );
    offset += byteLength;
  }
  for (const name of header.columns) {
    const column = collection.column(name);
    // Version 1 snapshots predate optional vectors: every point had every vector.
    if ((header.version ?? 1) < 2) column.present.fill(1, 0, header.count);
    else {
      if (offset + header.count > bytes.length) {
        throw new Error(`${file} is truncated`);
      }
      column.present.set(bytes.subarray(offset, offset + header.count));
      offset += header.count;
    }
  }
  collection.restore(header);
}

/** Applies write-ahead records newer than the snapshot; returns the bytes kept. */
function replayWal(
  collection: Collection,
  text: string,
  log: Logger,
): { complete: number; torn: boolean } {
  const { lines, complete, torn } = splitLines(text);
  lines.forEach((line, index) => {
    let record: WalRecord;
    try {
      record = JSON.parse(line) as WalRecord;
    } catch (err) {
      throw new Error(`Corrupt write-ahead log ${collection.walFile} at line ${index + 1}`, {
        cause: err,
      });
    }
    if (record.s <= collection.seq) return;
    if (record.op === 'upsert') {
      collection.applyUpsert(
        record.points.map((p) => ({ id: p.id, payload: p.p, vectors: p.v.map(fromOptional) })),
        record.s,
      );
    } else if (record.op === 'vectors') {
      collection.applyVectors(
        record.points.map((p) => ({ id: p.id, vectors: p.v.map(fromOptional) })),
        record.s,
      );
    } else {
      collection.applyDelete(record.ids);
    }
    collection.seq = record.s;
  });
  if (torn) {
    log.warn(
      { file: collection.walFile, keptBytes: complete },
      'cutting off a record torn by a crash',
    );
  }
  return { complete, torn };
}

/** Reads a collection back: its snapshot, then the write-ahead records newer than it. */
export async function loadCollection(dir: string, name: string, log: Logger): Promise<Collection> {
  const files = collectionFiles(dir, name);
  const bytes = await readFile(files.snapshot);
  const headerLength = bytes.readUInt32LE(8);
  const { spec } = JSON.parse(bytes.subarray(12, 12 + headerLength).toString('utf8')) as {
    spec: CollectionSpec;
  };
  const collection = new Collection(spec, files.wal, files.snapshot);
  loadSnapshot(collection, bytes);
  let text = '';
  try {
    text = await readFile(files.wal, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { complete, torn } = replayWal(collection, text, log);
  collection.walBytes = complete;
  if (torn) await truncateFile(files.wal, complete);
  return collection;
}

/** Appends one record to the collection's write-ahead log and syncs it; `dir` holds the log. */
export async function appendWal(collection: Collection, line: string, dir: string): Promise<void> {
  const data = Buffer.from(`${line}\n`, 'utf8');
  if (collection.wal === null) {
    collection.wal = await open(collection.walFile, 'a');
    await syncDirectory(dir);
  }
  await appendSynced(collection.wal, data, collection.walBytes);
  collection.walBytes += data.length;
}

/** Writes the snapshot, then empties the log it now includes. */
export async function writeSnapshot(collection: Collection, log: Logger): Promise<void> {
  await writeFileAtomic(collection.snapshotFile, snapshotChunks(collection));
  collection.snapshotSeq = collection.seq;
  // A crash before this truncate is harmless: replay skips records the snapshot includes.
  if (collection.wal !== null) {
    await collection.wal.truncate(0);
    await collection.wal.sync();
  }
  collection.walBytes = 0;
  log.debug({ collection: collection.name, points: collection.count }, 'wrote snapshot');
}
