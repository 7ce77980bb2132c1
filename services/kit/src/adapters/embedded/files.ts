import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** Writes all of `data` at the handle's position, looping over short writes. */
export async function writeAll(handle: FileHandle, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

/**
 * Appends `data` to the log open at `handle`, whose good content is its first `keptBytes`
 * bytes, and syncs it. On failure the log is cut back to `keptBytes` before the error is thrown,
 * so no half-written record is left behind for the next append to follow.
 */
export async function appendSynced(
  handle: FileHandle,
  data: Uint8Array,
  keptBytes: number,
): Promise<void> {
  try {
    await writeAll(handle, data);
    await handle.datasync();
  } catch (err) {
    await handle.truncate(keptBytes).catch(() => undefined);
    throw err;
  }
}

/** Cuts `file` to its first `length` bytes and syncs it: how a torn last record is dropped. */
export async function truncateFile(file: string, length: number): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.truncate(length);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Makes a rename or a new file in `dir` durable. Some platforms refuse to open or sync a
 * directory; there the rename is as durable as the platform allows, so the error is ignored.
 */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Not supported here (e.g. Windows): nothing more can be done.
  } finally {
    await handle?.close();
  }
}

/**
 * Replaces `file` with `chunks` so that a crash leaves either the old or the new content, never
 * a mix: write a temporary file beside it, sync it, rename it over, sync the directory.
 */
export async function writeFileAtomic(file: string, chunks: readonly Uint8Array[]): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'w');
  try {
    for (const chunk of chunks) await writeAll(handle, chunk);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  await rename(temp, file);
  await syncDirectory(path.dirname(file));
}

/**
 * Splits a log of newline-terminated records. A last record without its newline was torn by a
 * crash mid-write: it is returned apart so the caller can cut it off, since it was never
 * acknowledged to anyone.
 */
export function splitLines(text: string): { lines: string[]; complete: number; torn: boolean } {
  const lastNewline = text.lastIndexOf('\n');
  const complete = lastNewline + 1;
  const body = text.slice(0, complete);
  const lines = body === '' ? [] : body.slice(0, -1).split('\n');
  return { lines, complete: Buffer.byteLength(body), torn: complete < text.length };
}
