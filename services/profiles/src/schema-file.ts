import 'reflect-metadata';

import { fileURLToPath } from 'node:url';

import { writeSchemaFile } from '@tailor/kit';

import { PROFILES_SCHEMA_CLASSES } from './graphql/schema.js';

/** Where the profiles subgraph's SDL is committed; graph/ composes the supergraph from it. */
export const PROFILES_SCHEMA_FILE = fileURLToPath(new URL('../schema.graphql', import.meta.url));

// `node dist/schema-file.js` rewrites the file; `--check` fails when it is stale.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeSchemaFile(PROFILES_SCHEMA_FILE, PROFILES_SCHEMA_CLASSES);
}
