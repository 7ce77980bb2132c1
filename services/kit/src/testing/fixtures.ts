import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

/**
 * A maker of fresh temporary directories for one test file, all removed when the file's tests
 * are done.
 */
export function tempDirs(): () => string {
  const made: string[] = [];
  after(() => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-'));
    made.push(dir);
    return dir;
  };
}

/** An adapter opened over one data directory, and opened again over it, as a restart would. */
export interface Reopenable<T> {
  first: T;
  reopen(): Promise<T>;
  /** Closes every instance opened, then removes the directory. */
  cleanup(): Promise<void>;
}

/** Opens `open(dataDir)` over a fresh directory; what a conformance suite's factory returns. */
export async function reopenable<T extends { close(): Promise<void> }>(
  open: (dataDir: string) => Promise<T>,
): Promise<Reopenable<T>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-'));
  const opened: T[] = [await open(dataDir)];
  return {
    first: opened[0]!,
    reopen: async () => {
      const instance = await open(dataDir);
      opened.push(instance);
      return instance;
    },
    cleanup: async () => {
      for (const instance of opened) await instance.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
