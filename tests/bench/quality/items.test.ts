import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { validateItem } from '@tailor/catalog';

import { movieToItem, NO_GENRE_CATEGORY } from './items.js';
import { splitTitle } from './movielens.js';

describe('splitTitle', () => {
  describe('when the title ends with a year', () => {
    it('takes the year off', () => {
      assert.deepEqual(splitTitle('American President, The (1995)'), {
        title: 'American President, The',
        year: '1995',
      });
    });
    it('keeps a parenthesis that is part of the name', () => {
      assert.deepEqual(splitTitle('(500) Days of Summer (2009)'), {
        title: '(500) Days of Summer',
        year: '2009',
      });
    });
  });
  describe('when the title has no year', () => {
    it('keeps it whole', () => {
      assert.deepEqual(splitTitle('Babylon 5'), { title: 'Babylon 5', year: null });
    });
  });
});

describe('movieToItem', () => {
  describe('when a movie has genres, a year and user tags', () => {
    const item = movieToItem(
      { movieId: '1', title: 'Toy Story', year: '1995', genres: ['Adventure', 'Animation'] },
      new Map([
        ['pixar', 3],
        ['animation', 2],
        ['fun', 1],
      ]),
    );

    it('is a valid catalog item', () => {
      assert.equal(validateItem(item).ok, true);
    });

    it('files it under its first genre and tags it with all genres, then the most used tags', () => {
      assert.equal(item.category, 'adventure');
      assert.deepEqual(item.tags, ['adventure', 'animation', 'pixar', 'fun']);
    });

    it('keeps the year as an attribute', () => {
      assert.deepEqual(item.attributes, [{ name: 'year', value: '1995' }]);
    });
  });

  describe('when a movie has no genre and many tags', () => {
    const tags = new Map(Array.from({ length: 40 }, (_, i) => [`tag ${i}`, 40 - i] as const));
    const item = movieToItem({ movieId: '2', title: 'X', year: null, genres: [] }, tags);

    it('is still a valid catalog item, within the tag limit', () => {
      assert.equal(item.category, NO_GENRE_CATEGORY);
      assert.equal(validateItem(item).ok, true);
    });
  });
});
