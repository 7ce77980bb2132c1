import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { RECIPE_LIMITS, recipeOf } from './thumbnail.route.js';

const RECIPE = { item: 'outdoor-004', w: '640', h: '360', t: 'Picked for adventure fans' };

describe('recipeOf', () => {
  describe('when the query holds no recipe', () => {
    it('says so', () => {
      assert.deepEqual(recipeOf({}), { kind: 'none' });
    });
  });

  describe('when the query holds a whole recipe', () => {
    it('reads it', () => {
      assert.deepEqual(recipeOf(RECIPE), {
        kind: 'recipe',
        recipe: { itemId: 'outdoor-004', width: 640, height: 360, tagline: RECIPE.t },
      });
    });
  });

  describe('when a parameter is missing or out of bounds', () => {
    it('names it', () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ ...RECIPE, item: '' }, 'item'],
        [{ ...RECIPE, item: 'x'.repeat(RECIPE_LIMITS.itemIdChars + 1) }, 'item'],
        [{ ...RECIPE, w: '63' }, 'w'],
        [{ ...RECIPE, w: '2049' }, 'w'],
        [{ ...RECIPE, h: 'tall' }, 'h'],
        [{ ...RECIPE, t: undefined }, 't'],
        [{ ...RECIPE, t: ['a', 'b'] }, 't'],
        [{ ...RECIPE, t: 'x'.repeat(RECIPE_LIMITS.taglineChars + 1) }, 't'],
      ];
      for (const [query, parameter] of cases) {
        const read = recipeOf(query);
        assert.equal(read.kind === 'bad' && read.parameter, parameter, JSON.stringify(query));
      }
    });
  });
});
