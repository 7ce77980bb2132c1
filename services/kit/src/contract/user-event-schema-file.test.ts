import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { renderUserEventJsonSchema, USER_EVENT_JSON_SCHEMA_PATH } from './write-json-schema.js';

describe('user-event.schema.json', () => {
  describe('when compared with the zod contract', () => {
    it('is up to date (regenerate with `pnpm --filter @tailor/kit contract`)', () => {
      const committed: unknown = JSON.parse(readFileSync(USER_EVENT_JSON_SCHEMA_PATH, 'utf8'));
      // Compared as JSON, not text: the committed file is formatted by prettier.
      assert.deepEqual(committed, JSON.parse(renderUserEventJsonSchema()));
    });
  });
});
