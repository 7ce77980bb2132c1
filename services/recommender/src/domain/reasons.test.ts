import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  categoryLabel,
  interactionVerb,
  isPopularInCategory,
  type PickFacts,
  pickReasons,
  similarItemReason,
} from './reasons.js';

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2025, 5, 1);

const pick = (overrides: Partial<PickFacts> = {}): PickFacts => ({
  title: 'Summit Shell Jacket',
  category: 'outdoor',
  tags: ['waterproof', 'running', 'hiking'],
  createdAt: NOW - 90 * DAY_MS,
  vector: [1, 0, 0],
  popularInCategory: false,
  trending: false,
  collaborative: 0,
  collaborativeFirst: false,
  ...overrides,
});

describe('pickReasons', () => {
  describe('when a recent interaction is like the pick and tags are shared', () => {
    it('cites the most similar interaction with its verb, then the shared tags', () => {
      const reasons = pickReasons(
        pick(),
        {
          recent: [
            { title: 'Desk Lamp', verb: 'viewed', vector: [0, 1, 0] },
            { title: 'Trail Runner GTX', verb: 'liked', vector: [0.9, 0.1, 0] },
            { title: 'Rain Poncho', verb: 'bought', vector: [0.5, 0.5, 0] },
          ],
          topTags: ['running', 'cooking', 'waterproof', 'camping'],
        },
        NOW,
      );
      assert.deepEqual(reasons, [
        'Because you liked Trail Runner GTX',
        'Matches your interest in running, waterproof',
      ]);
    });
  });

  describe('when the pick is popular in its category and new', () => {
    it('says so with the category as people read it', () => {
      const reasons = pickReasons(
        pick({ category: 'home-decor', popularInCategory: true, createdAt: NOW - 3 * DAY_MS }),
        { recent: [], topTags: [] },
        NOW,
      );
      assert.deepEqual(reasons, ['Popular in Home decor right now', 'New in Home decor']);
    });
  });

  describe('when no interaction is similar enough and nothing else applies', () => {
    it('still gives one reason', () => {
      const reasons = pickReasons(
        pick(),
        {
          recent: [{ title: 'Desk Lamp', verb: 'viewed', vector: [0, 1, 0] }],
          topTags: ['cooking'],
        },
        NOW,
      );
      assert.deepEqual(reasons, ['Picked for your taste in Outdoor']);
    });
  });

  describe('when every reason applies', () => {
    it('keeps at most three', () => {
      const reasons = pickReasons(
        pick({ popularInCategory: true, createdAt: NOW }),
        { recent: [{ title: 'Boots', verb: 'bought', vector: [1, 0, 0] }], topTags: ['hiking'] },
        NOW,
      );
      assert.deepEqual(reasons, [
        'Because you bought Boots',
        'Matches your interest in hiking',
        'Popular in Outdoor right now',
      ]);
    });
  });
  describe('when the user has no history and the pick trends now', () => {
    it('says trending now with the category, not popular as well', () => {
      assert.deepEqual(
        pickReasons(
          pick({ category: 'books', trending: true, popularInCategory: true }),
          { recent: [], topTags: [] },
          NOW,
        ),
        ['Trending now in Books'],
      );
    });
  });

  describe('when the user has no history and the pick fills in from the catalog', () => {
    it('calls it new when it is, and otherwise invites to explore', () => {
      const none = { recent: [], topTags: [] };
      assert.deepEqual(pickReasons(pick({ category: 'books', createdAt: NOW }), none, NOW), [
        'New in Books',
      ]);
      assert.deepEqual(pickReasons(pick({ category: 'books' }), none, NOW), [
        'Explore more in Books',
      ]);
    });
  });

  describe('when the collaborative model backed the pick', () => {
    const recent = [
      { title: 'Desk Lamp', verb: 'viewed', vector: [0, 1, 0], cf: [0.1, 0] },
      { title: 'Heat', verb: 'rated highly', vector: [0, 0, 1], cf: [2, 0] },
      { title: 'Trail Runner GTX', verb: 'liked', vector: [0.9, 0.1, 0], cf: [0, 1] },
    ];

    it('names the history item with the highest dot product of factors', () => {
      const reasons = pickReasons(
        pick({ cf: [1, 0.5], collaborative: 0.8, collaborativeFirst: true }),
        { recent, topTags: [] },
        NOW,
      );
      assert.deepEqual(reasons, [
        'People who liked Heat also liked this',
        'Because you liked Trail Runner GTX',
      ]);
    });

    it('puts the content reason first when content weighed more', () => {
      const reasons = pickReasons(
        pick({ cf: [1, 0.5], collaborative: 0.8, collaborativeFirst: false }),
        { recent, topTags: [] },
        NOW,
      );
      assert.deepEqual(reasons, [
        'Because you liked Trail Runner GTX',
        'People who liked Heat also liked this',
      ]);
    });

    it('says nothing of it when the signal was weak or no history item is akin', () => {
      const weak = pickReasons(
        pick({ cf: [1, 0.5], collaborative: 0.3 }),
        { recent, topTags: [] },
        NOW,
      );
      assert.deepEqual(weak, ['Because you liked Trail Runner GTX']);
      const unlike = pickReasons(
        pick({ cf: [-1, -1], collaborative: 1, collaborativeFirst: true }),
        { recent, topTags: [] },
        NOW,
      );
      assert.deepEqual(unlike, ['Because you liked Trail Runner GTX']);
    });
  });
});

describe('interactionVerb', () => {
  describe('when the interaction is positive', () => {
    it('names it', () => {
      assert.equal(interactionVerb({ type: 'view' }), 'viewed');
      assert.equal(interactionVerb({ type: 'like' }), 'liked');
      assert.equal(interactionVerb({ type: 'purchase' }), 'bought');
      assert.equal(interactionVerb({ type: 'add_to_cart' }), 'added to cart');
      assert.equal(interactionVerb({ type: 'share' }), 'shared');
      assert.equal(interactionVerb({ type: 'rating', value: 4 }), 'rated highly');
    });
  });

  describe('when the interaction is negative, an impression, or a rating of unknown stars', () => {
    it('cannot be cited', () => {
      for (const type of ['dislike', 'skip', 'impression']) {
        assert.equal(interactionVerb({ type }), null);
      }
      assert.equal(interactionVerb({ type: 'rating', value: 2 }), null);
      assert.equal(interactionVerb({ type: 'rating' }), null);
    });
  });
});

describe('isPopularInCategory', () => {
  describe('when the item is near its category top', () => {
    it('is popular; a faint or far-behind count is not', () => {
      assert.equal(isPopularInCategory(3, 15), true); // log1p(3)/log1p(15) = 0.5
      assert.equal(isPopularInCategory(2, 15), false);
      assert.equal(isPopularInCategory(0.5, 0.5), false);
      assert.equal(isPopularInCategory(1, 0), false);
    });
  });
});

describe('similarItemReason', () => {
  describe('when the items share tags, a category, or neither', () => {
    it('says what they share', () => {
      const source = {
        title: 'Trail Runner GTX',
        category: 'outdoor',
        tags: ['running', 'waterproof'],
      };
      assert.equal(
        similarItemReason(source, { category: 'sports', tags: ['waterproof', 'running'] }),
        'Shares running, waterproof with Trail Runner GTX',
      );
      assert.equal(
        similarItemReason(source, { category: 'outdoor', tags: [] }),
        'Also in Outdoor, like Trail Runner GTX',
      );
      assert.equal(
        similarItemReason(source, { category: 'books', tags: [] }),
        'Similar to Trail Runner GTX',
      );
    });
  });
});

describe('categoryLabel', () => {
  describe('when the category has separators', () => {
    it('reads as words with a capital', () => {
      assert.equal(categoryLabel('home-decor'), 'Home decor');
      assert.equal(categoryLabel('books'), 'Books');
    });
  });
});
