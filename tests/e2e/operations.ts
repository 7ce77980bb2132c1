import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The checked-in operations under graph/operations, so tests run what docs show. */
export function operation(name: string): string {
  return readFileSync(
    fileURLToPath(new URL(`../../../graph/operations/${name}.graphql`, import.meta.url)),
    'utf8',
  );
}
