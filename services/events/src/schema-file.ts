import 'reflect-metadata';

import { fileURLToPath } from 'node:url';

import { writeSchemaFile } from '@tailor/kit';

import { EVENTS_SCHEMA_CLASSES } from './graphql/schema.js';

/** Where the events subgraph's SDL is committed; graph/ composes the supergraph from it. */
export const EVENTS_SCHEMA_FILE = fileURLToPath(new URL('../schema.graphql', import.meta.url));

// `node dist/schema-file.js` rewrites the file; `--check` fails when it is stale.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeSchemaFile(EVENTS_SCHEMA_FILE, EVENTS_SCHEMA_CLASSES);
}
