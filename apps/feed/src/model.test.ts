import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  CARD_ACTIONS,
  cardEvent,
  creativesOf,
  type FeedCard,
  formatDelta,
  formatShare,
  interestLine,
  interestRows,
  textId,
  thumbnailId,
} from './model.js';

const SHA = 'a75db8536773851602f968f3692e92007c379fb29e6ce0056e527f05c1435ee2';

function card(overrides: Partial<FeedCard> = {}): FeedCard {
  return {
    item: {
      id: 'sports-014',
      title: 'Endurance Tennis Racket',
      category: 'sports',
      price: { amount: 147.95, currency: 'EUR' },
    },
    score: 0.69,
    reasons: ['Because you liked a racket'],
    description: {
      text: 'A racket.',
      provider: 'template',
      model: 'tailor-template',
      promptVersion: 'template-v1',
      grounded: true,
      interest: 'tennis',
    },
    ad: {
      headline: 'Meet the racket',
      body: 'Yours for 147.95 EUR.',
      callToAction: 'Shop now',
      interest: 'tennis',
    },
    thumbnail: {
      url: `http://127.0.0.1:4005/thumbnails/${SHA}.png`,
      altText: 'A card',
      width: 640,
      height: 360,
    },
    ...overrides,
  };
}

describe('interestRows', () => {
  describe('when there was no previous refresh', () => {
    it('shows weights without deltas', () => {
      const rows = interestRows([{ name: 'sports', weight: 0.5 }], undefined);
      assert.deepEqual(rows, [{ name: 'sports', weight: 0.5, delta: null, isNew: false }]);
    });
  });

  describe('when the profile moved since the previous refresh', () => {
    it('gives each interest its change, counting a newcomer as up from 0', () => {
      const rows = interestRows(
        [
          { name: 'sports', weight: 0.6 },
          { name: 'books', weight: 0.1 },
        ],
        [
          { name: 'sports', weight: 0.5 },
          { name: 'outdoor', weight: 0.5 },
        ],
      );
      assert.equal(rows[0]?.delta?.toFixed(3), '0.100');
      assert.equal(rows[0]?.isNew, false);
      assert.equal(rows[1]?.delta, 0.1);
      assert.equal(rows[1]?.isNew, true);
    });
  });
});

describe('formatDelta', () => {
  describe('when the weight rose, fell or stayed', () => {
    it('shows signed percentage points, and nothing for no visible change', () => {
      assert.equal(formatDelta(0.031), '+3.1 pts');
      assert.equal(formatDelta(-0.2), '-20.0 pts');
      assert.equal(formatDelta(0.0001), '');
      assert.equal(formatDelta(null), '');
    });
  });
});

describe('formatShare', () => {
  it('shows a weight as a percentage with one decimal', () => {
    assert.equal(formatShare(0.4231), '42.3%');
  });
});

describe('thumbnailId', () => {
  describe('when the URL is content-addressed', () => {
    it('is the file name', () => {
      assert.equal(thumbnailId(`https://cdn.example.com/thumbnails/${SHA}.png?v=1`), SHA);
    });
  });

  describe('when the URL has another shape', () => {
    it('is a stable hash of the URL', () => {
      const url = 'https://images.example.com/p/42';
      assert.equal(thumbnailId(url), textId(url));
      assert.match(thumbnailId(url), /^[0-9a-f]{8}$/);
    });
  });
});

describe('creativesOf', () => {
  describe('when the generated copy changes', () => {
    it('gives the changed creative a new id and keeps the others', () => {
      const before = creativesOf(card());
      const after = creativesOf(card({ ad: { ...card().ad, headline: 'Another headline' } }));
      assert.notEqual(after.adCreativeId, before.adCreativeId);
      assert.equal(after.descriptionCreativeId, before.descriptionCreativeId);
      assert.equal(after.creativeId, `thumbnail:${SHA}`);
    });
  });
});

describe('cardEvent', () => {
  describe('when a card button is pressed', () => {
    it('records the item, the served list and the creatives shown in the context', () => {
      const like = CARD_ACTIONS.find((a) => a.action === 'like');
      assert.ok(like);
      const event = cardEvent('demo-alice', 'rec-1', card(), 2, like);
      assert.equal(event.type, 'LIKE');
      assert.equal(event.itemId, 'sports-014');
      assert.equal(event.context.recommendationId, 'rec-1');
      assert.equal(event.context.creativeId, `thumbnail:${SHA}`);
      assert.deepEqual(
        event.context.extra.map((e) => e.key),
        ['adCreativeId', 'descriptionCreativeId', 'position'],
      );
      assert.equal(event.context.extra[2]?.value, '2');
    });
  });
});

describe('interestLine', () => {
  describe('when the copy was written around an interest', () => {
    it('names it', () => {
      assert.equal(interestLine(card()), 'Copy written around your interest in tennis');
    });
  });

  describe('when the copy names none', () => {
    it('says there is no history yet', () => {
      const plain = card();
      const none = {
        ...plain,
        description: { ...plain.description, interest: null },
        ad: { ...plain.ad, interest: null },
      };
      assert.match(interestLine(none), /no history/);
    });
  });
});
