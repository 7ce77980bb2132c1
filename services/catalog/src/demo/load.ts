import { readFile } from 'node:fs/promises';

import { TailorError } from '@tailor/kit';

import type { CatalogDeps } from '../deps.js';
import { validateBatch } from '../domain/batch.js';
import { ITEM_LIMITS } from '../domain/item.js';
import { ItemService } from '../item.service.js';
import { DEMO_EPOCH_MS } from './demo-catalog.js';

/** The committed demo catalog, `services/catalog/data/demo-catalog.jsonl`. */
export const DEMO_CATALOG_FILE = new URL('../../data/demo-catalog.jsonl', import.meta.url);

/** Options of {@link loadDemoCatalog}. */
export interface LoadDemoCatalogOptions {
  /** Another JSONL file in the same form; the bundled one by default. */
  file?: string | URL;
}

interface DemoLine {
  /** 1-based line number in the file. */
  line: number;
  item: unknown;
  createdAt: number | undefined;
}

function parseLines(text: string, file: string | URL, now: number): DemoLine[] {
  const lines: DemoLine[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch (err) {
      throw new TailorError(`demo catalog ${String(file)} line ${i + 1} is not JSON`, {
        retriable: false,
        cause: err,
      });
    }
    const stamp = (item as { createdAt?: unknown }).createdAt;
    const at = typeof stamp === 'string' ? Date.parse(stamp) : Number.NaN;
    // Ages are kept and re-anchored to now, so a catalog loaded today looks as fresh as the
    // day it was generated and freshness ranking has something to work with.
    lines.push({
      line: i + 1,
      item,
      createdAt: Number.isNaN(at) ? undefined : now - (DEMO_EPOCH_MS - at),
    });
  });
  return lines;
}

/**
 * Loads the demo catalog through the same validation and upsert path as `upsertItems`, but only
 * when the items collection is empty, so restarts and replicas do not rewrite it. Resolves to
 * the number of items loaded (0 when the catalog already had items). A demo item that does not
 * validate is a bug in the file and fails the load.
 */
export async function loadDemoCatalog(
  deps: CatalogDeps,
  options: LoadDemoCatalogOptions = {},
): Promise<number> {
  const log = deps.logger.child({ component: 'demo-catalog' });
  const items = new ItemService(deps);
  await items.ensureCollection();
  const existing = await items.count();
  if (existing > 0) {
    log.info({ existing }, 'catalog not empty, demo catalog not loaded');
    return 0;
  }
  const file = options.file ?? DEMO_CATALOG_FILE;
  const now = (deps.now ?? Date.now)();
  const lines = parseLines(await readFile(file, 'utf8'), file, now);
  // Checked whole before anything is stored: a half-loaded demo would never be completed, since
  // the next start finds the collection not empty.
  const [error] = validateBatch(lines.map((line) => line.item)).errors;
  if (error !== undefined) {
    throw new TailorError(
      `demo catalog ${String(file)} line ${lines[error.index]?.line}: ${error.field}: ${error.message}`,
      { retriable: false },
    );
  }
  let loaded = 0;
  for (let start = 0; start < lines.length; start += ITEM_LIMITS.maxBatchSize) {
    const batch = lines.slice(start, start + ITEM_LIMITS.maxBatchSize);
    const outcome = await items.upsert(
      batch.map((line) => line.item),
      { createdAt: batch.map((line) => line.createdAt) },
    );
    loaded += outcome.upserted;
  }
  log.info({ loaded, file: String(file) }, 'demo catalog loaded');
  return loaded;
}
