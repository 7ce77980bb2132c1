import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Runs `work` with a fresh directory under the system temp dir, removed afterwards. */
export async function withTempDir<T>(
  prefix: string,
  work: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), `tailor-bench-${prefix}-`));
  try {
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** {@link withTempDir} for synchronous work. */
export function withTempDirSync<T>(prefix: string, work: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), `tailor-bench-${prefix}-`));
  try {
    return work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
