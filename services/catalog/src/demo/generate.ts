import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { createLogger } from '@tailor/kit';

import { DEMO_SEED, generateDemoCatalog, toJsonLines } from './demo-catalog.js';
import { DEMO_CATALOG_FILE } from './load.js';

/**
 * Writes the demo catalog file: `node services/catalog/dist/demo/generate.js [file]`. The file
 * is committed; run this after changing the vocabulary or the generator and commit the result.
 */
function main(): void {
  const logger = createLogger({ name: 'catalog-demo-generator' });
  const target = process.argv[2] ?? fileURLToPath(DEMO_CATALOG_FILE);
  const items = generateDemoCatalog(DEMO_SEED);
  writeFileSync(target, toJsonLines(items));
  const categories = new Set(items.map((item) => item.category)).size;
  logger.info(
    { file: target, items: items.length, categories, seed: DEMO_SEED },
    'demo catalog written',
  );
  logger.flush();
}

main();
