import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file runs from `tests/dist/bench/lib/`. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Where every bench writes its figures (in the source tree, not in dist). */
export const RESULTS_DIR = path.join(REPO_ROOT, 'tests', 'bench', 'results');

/** A path given on the command line, relative to where the command was started. */
export function resolveFromCwd(value: string): string {
  return path.resolve(process.cwd(), value);
}

/** Writes `tests/bench/results/<name>.json`, pretty-printed so diffs between runs read well. */
export function writeResults(name: string, data: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

/** The figures `tests/bench/results/<name>.json` holds, undefined when there are none yet. */
export function readResults(name: string): Record<string, unknown> | undefined {
  const file = path.join(RESULTS_DIR, `${name}.json`);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}
