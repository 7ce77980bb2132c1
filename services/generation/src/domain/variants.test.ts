import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { HIKER, itemPayload, SHOES } from '../testing/fixtures.js';
import { itemFactsFromPayload } from './facts.js';
import { NO_INTERESTS } from './interests.js';
import { availableAngles, novelTerms, popularityTerm } from './variants.js';

const shoes = itemFactsFromPayload(SHOES);

describe('availableAngles', () => {
  it('offers value and novelty for a priced item that brings the hiker something new', () => {
    assert.deepEqual(availableAngles(shoes, HIKER), ['interest', 'value', 'novelty']);
    assert.deepEqual(novelTerms(shoes, HIKER), ['running', 'trail']);
  });

  it('offers popularity only when the item’s facts say it is popular', () => {
    assert.equal(popularityTerm(shoes), undefined);
    const tagged = itemFactsFromPayload(
      itemPayload({ itemId: 'x', tags: ['Top-Rated', 'hiking'] }),
    );
    assert.equal(popularityTerm(tagged), 'top rated');
    assert.ok(availableAngles(tagged, HIKER).includes('popularity'));
    assert.ok(!novelTerms(tagged, HIKER).includes('top rated'), 'popular is not new ground');
  });

  it('offers no novelty to a user it knows nothing about', () => {
    assert.deepEqual(availableAngles(shoes, NO_INTERESTS), ['interest', 'value']);
  });

  it('offers no value angle for an item with neither a price nor an attribute', () => {
    const bare = itemFactsFromPayload(
      itemPayload({ itemId: 'film-1', currency: '', price: 0, attributes: {} }),
    );
    assert.deepEqual(availableAngles(bare, NO_INTERESTS), ['interest']);
  });
});
