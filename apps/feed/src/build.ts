// Bundles the feed page into apps/feed/dist/public, where the gateway serves it from.
// Run after `tsc -b`: `node apps/feed/dist/build.js`.
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

import { FEED_PAGE_DIR } from './index.js';

/** Where the page's sources are: index.html, feed.css and src/main.ts. */
export const FEED_SOURCE_DIR = fileURLToPath(new URL('../', import.meta.url));

/** Options of {@link buildFeedPage}. */
export interface BuildFeedPageOptions {
  sourceDir?: string;
  /** Where index.html, feed.js and feed.css are written. */
  outDir?: string;
}

/** Bundles the page: one ES module (operations inlined as text), one stylesheet, the HTML. */
export async function buildFeedPage(options: BuildFeedPageOptions = {}): Promise<string[]> {
  const sourceDir = options.sourceDir ?? FEED_SOURCE_DIR;
  const outDir = options.outDir ?? FEED_PAGE_DIR;
  await mkdir(outDir, { recursive: true });
  const result = await build({
    entryPoints: [
      { in: join(sourceDir, 'src', 'main.ts'), out: 'feed' },
      { in: join(sourceDir, 'feed.css'), out: 'feed' },
    ],
    outdir: outDir,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    minify: true,
    sourcemap: 'linked',
    loader: { '.graphql': 'text' },
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  await copyFile(join(sourceDir, 'index.html'), join(outDir, 'index.html'));
  return [...Object.keys(result.metafile.outputs), join(outDir, 'index.html')];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildFeedPage();
}
