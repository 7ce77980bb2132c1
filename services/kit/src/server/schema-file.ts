import { readFileSync, writeFileSync } from 'node:fs';

import { printSubgraphSchema } from '@apollo/subgraph';
import type { BuildSchemaOptions } from 'type-graphql';

import { createLogger } from '../logger.js';
import { buildFederatedSchema } from './federation.js';

/** What a subgraph's SDL is built from: its resolver classes and the types they do not reach. */
export type SubgraphClasses = Pick<BuildSchemaOptions, 'resolvers' | 'orphanedTypes'>;

/**
 * The SDL a subgraph's classes describe, as `services/<name>/schema.graphql` commits it.
 * Printing needs no instance: the container resolves lazily and only at query time, so it
 * refuses every request here, and no adapter, store or config is opened to print a schema.
 */
export async function printSubgraphSdl(classes: SubgraphClasses): Promise<string> {
  const schema = await buildFederatedSchema({
    ...classes,
    container: {
      get: (cls: unknown) => {
        throw new Error(`${String(cls)} was asked for while only printing the schema`);
      },
    },
  });
  return `${printSubgraphSchema(schema).trimEnd()}\n`;
}

/**
 * The command a service's `dist/schema-file.js` runs (`npm run compose` runs them all): writes
 * the file, or with `--check` exits 1 when the committed file differs from what the classes print.
 */
export async function writeSchemaFile(
  path: string,
  classes: SubgraphClasses,
  argv: readonly string[] = process.argv.slice(2),
): Promise<void> {
  const log = createLogger({ name: 'schema-file', level: 'info' });
  const sdl = await printSubgraphSdl(classes);
  if (!argv.includes('--check')) {
    writeFileSync(path, sdl);
    log.info({ path }, 'schema file written');
  } else if (readFileSync(path, 'utf8') !== sdl) {
    log.error({ path }, 'schema file is stale: run npm run compose');
    process.exitCode = 1;
  }
}
