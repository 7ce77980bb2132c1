import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { homeOperation, withoutGeneration } from './home.js';

describe('withoutGeneration', () => {
  describe('when given the Home operation', () => {
    const lean = withoutGeneration(homeOperation());

    it('drops description, ad and thumbnail of each recommendation', () => {
      assert.doesNotMatch(lean, /\b(description|ad|thumbnail)\b/);
    });

    it('keeps the rest of the selection', () => {
      for (const field of ['topCategories', 'recommendationId', 'reasons', 'score', 'price']) {
        assert.match(lean, new RegExp(`\\b${field}\\b`));
      }
    });
  });

  describe('when an item itself selects a description', () => {
    it('leaves that one alone', () => {
      const lean = withoutGeneration(
        'query { user(id: "u") { recommendations { items { item { description } ad { body } } } } }',
      );
      assert.match(lean, /item \{\s*description\s*\}/);
      assert.doesNotMatch(lean, /\bad\b/);
    });
  });
});
