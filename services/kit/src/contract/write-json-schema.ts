import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { userEventJsonSchema } from './user-event.js';

/** Where the generated schema is committed; a test fails when it is stale. */
export const USER_EVENT_JSON_SCHEMA_PATH = fileURLToPath(
  new URL('../../contract/user-event.schema.json', import.meta.url),
);

export function renderUserEventJsonSchema(): string {
  return `${JSON.stringify(userEventJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(USER_EVENT_JSON_SCHEMA_PATH, renderUserEventJsonSchema());
}
