import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  angleRows,
  armResultLine,
  armSettingsLine,
  CARD_ACTIONS,
  cardEvent,
  cardVariants,
  choiceLine,
  type CreativeStats,
  type FeedCard,
  formatDelta,
  formatRate,
  formatShare,
  interestLine,
  interestRows,
  type LoopCounts,
  statsLine,
  statsMoved,
  statsNotice,
  statsOf,
  type VariantChoice,
  verdictLine,
} from './model.js';

const SHA = 'a75db8536773851602f968f3692e92007c379fb29e6ce0056e527f05c1435ee2';

const CHOICE: VariantChoice = {
  bucket: 'thumbnail|any|sports',
  propensity: 0.625,
  offered: [
    { angle: 'VALUE', probability: 0.625 },
    { angle: 'INTEREST', probability: 0.359375 },
    { angle: 'NOVELTY', probability: 0.015625 },
  ],
  byBandit: true,
  chosenAt: '2026-12-07T14:22:05.123Z',
};

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
      creativeId: 'cr-description',
      angle: 'INTEREST',
      choice: null,
    },
    ad: {
      headline: 'Meet the racket',
      body: 'Yours for 147.95 EUR.',
      callToAction: 'Shop now',
      interest: 'tennis',
      creativeId: 'cr-ad',
      angle: 'NOVELTY',
      choice: null,
    },
    thumbnail: {
      url: `http://127.0.0.1:4005/thumbnails/${SHA}.png`,
      altText: 'A card',
      width: 640,
      height: 360,
      creativeId: 'cr-thumbnail',
      angle: 'VALUE',
      choice: CHOICE,
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

describe('cardVariants', () => {
  describe('when a card shows its three variants', () => {
    it('lists picture, ad and description with the graph ids and angles, crediting the picture', () => {
      assert.deepEqual(cardVariants(card()), [
        {
          format: 'THUMBNAIL',
          label: 'Picture',
          creativeId: 'cr-thumbnail',
          angle: 'VALUE',
          choice: CHOICE,
          credited: true,
        },
        {
          format: 'AD_BANNER',
          label: 'Ad',
          creativeId: 'cr-ad',
          angle: 'NOVELTY',
          choice: null,
          credited: false,
        },
        {
          format: 'DESCRIPTION',
          label: 'Description',
          creativeId: 'cr-description',
          angle: 'INTEREST',
          choice: null,
          credited: false,
        },
      ]);
    });
  });
});

describe('choiceLine', () => {
  describe('when the bandit chose', () => {
    it('gives the odds of every offered angle, the bucket and the time', () => {
      assert.equal(
        choiceLine(CHOICE),
        'Chosen by the bandit with probability 62.5% in thumbnail|any|sports (price and facts 62.5%, your interest 35.9%, something new for you 1.6%), chosen 14:22:05 UTC.',
      );
    });
  });

  describe("when the user's arm turns the variants off", () => {
    it('says the interest angle was shown without a choice', () => {
      assert.match(
        choiceLine({ ...CHOICE, byBandit: false }),
        /^Variants are off for this user .*: the interest angle, chosen 14:22:05 UTC\.$/,
      );
    });
  });

  describe('when nothing was chosen for a user', () => {
    it('says so', () => {
      assert.equal(choiceLine(null), 'Not chosen for anyone in particular.');
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
      assert.equal(event.context.creativeId, 'cr-thumbnail');
      assert.deepEqual(event.context.extra, [
        { key: 'adCreativeId', value: 'cr-ad' },
        { key: 'descriptionCreativeId', value: 'cr-description' },
        { key: 'position', value: '2' },
      ]);
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

const rate = (r: number, low: number, high: number) => ({ rate: r, low, high });

function counts(overrides: Partial<LoopCounts> = {}): LoopCounts {
  return {
    impressions: 3,
    clicks: 1,
    conversions: 0,
    reward: 0.8,
    ctr: rate(1 / 3, 0.0615, 0.7923),
    conversionRate: rate(0, 0, 0.5615),
    ...overrides,
  };
}

describe('statsOf', () => {
  describe("when the item's creatives include the variant", () => {
    it('finds its figures by creative id', () => {
      const stats: CreativeStats[] = [
        {
          ...counts({ impressions: 9 }),
          creativeId: 'cr-other',
          format: 'AD_BANNER',
          angle: 'VALUE',
        },
        { ...counts(), creativeId: 'cr-thumbnail', format: 'THUMBNAIL', angle: 'VALUE' },
      ];
      assert.equal(statsOf({ creativeId: 'cr-thumbnail' }, stats)?.impressions, 3);
      assert.equal(statsOf({ creativeId: 'cr-unseen' }, stats), undefined);
    });
  });
});

describe('statsLine', () => {
  describe('when the loop counted the variant', () => {
    it('shows showings, reward, clicks, conversions and the CTR with its interval', () => {
      assert.equal(
        statsLine(counts()),
        'shown 3 times · reward 0.80 · 1 click · 0 conversions · CTR 33.3% (95%: 6.2–79.2%)',
      );
    });
  });

  describe('when it counted nothing', () => {
    it('says so', () => {
      assert.equal(statsLine(undefined), 'Not counted yet');
      assert.equal(statsLine(counts({ impressions: 0 })), 'Not counted yet');
    });
  });
});

describe('formatRate', () => {
  it('shows the rate and its 95% interval in percent', () => {
    assert.equal(formatRate(rate(0.05, 0.01, 0.2)), '5.0% (95%: 1.0–20.0%)');
  });
});

describe('statsMoved', () => {
  describe('when a Like was credited', () => {
    it('is true once the reward grew', () => {
      assert.equal(statsMoved(counts({ reward: 0 }), counts({ reward: 0.8 })), true);
      assert.equal(statsMoved(undefined, counts({ reward: 0.8 })), true);
    });
  });

  describe('when only showings were added', () => {
    it('is false: impressions earn nothing', () => {
      assert.equal(statsMoved(counts(), counts({ impressions: 4 })), false);
      assert.equal(statsMoved(counts(), undefined), false);
    });
  });

  describe('when a purchase adds a conversion without more reward', () => {
    it('is true', () => {
      assert.equal(statsMoved(counts({ reward: 1 }), counts({ reward: 1, conversions: 1 })), true);
    });
  });
});

describe('angleRows', () => {
  describe('when two angles were shown', () => {
    it('gives each its share of the showings and its figures', () => {
      const rows = angleRows([
        { ...counts({ impressions: 3 }), angle: 'VALUE' },
        { ...counts({ impressions: 1, reward: 0 }), angle: 'INTEREST' },
      ]);
      assert.deepEqual(
        rows.map((r) => [r.angle, r.label, r.share, r.reward]),
        [
          ['VALUE', 'price and facts', 0.75, 0.8],
          ['INTEREST', 'your interest', 0.25, 0],
        ],
      );
      assert.match(rows[0]?.line ?? '', /^shown 3 times/);
    });
  });
});

describe('statsNotice', () => {
  describe('when the graph refuses a user token', () => {
    it('says the figures need a service token', () => {
      assert.match(statsNotice(['FORBIDDEN'], 'Not allowed'), /need a service token/);
      assert.match(statsNotice(['UNAUTHENTICATED'], 'A token is needed'), /need a service token/);
    });
  });

  describe('when anything else failed', () => {
    it('shows the message', () => {
      assert.equal(statsNotice([], 'HTTP 502'), 'Figures unavailable: HTTP 502');
    });
  });
});

describe('armSettingsLine', () => {
  describe('when an arm sets the recommender and the bandit', () => {
    it('names each setting', () => {
      assert.equal(
        armSettingsLine({
          mmrLambda: 0.3,
          blendWeights: [{ source: 'popular', weight: 2 }],
          bandit: false,
        }),
        'MMR λ 0.3 · blend popular 2 · copy variants off',
      );
    });
  });

  describe('when an arm sets nothing', () => {
    it("says it keeps the services' settings", () => {
      assert.equal(
        armSettingsLine({ mmrLambda: null, blendWeights: [], bandit: null }),
        "the services' own settings",
      );
    });
  });
});

describe('armResultLine', () => {
  const result = {
    arm: 'b',
    users: 4,
    exposures: 20,
    clicks: 2,
    ctr: rate(0.1, 0.028, 0.301),
    conversions: 1,
    conversionRate: rate(0.25, 0.046, 0.699),
    revenue: 39.9,
    revenuePerUser: { mean: 9.975, low: 0, high: 29.5 },
  };

  describe('when the arm has exposed users', () => {
    it('shows users, exposures, CTR, conversions and revenue with intervals', () => {
      assert.equal(
        armResultLine(result),
        '4 users · 20 shown · CTR 10.0% (95%: 2.8–30.1%) · 1 converted, 25.0% (95%: 4.6–69.9%) · revenue 39.90 (per user 9.97, 95%: 0.00–29.50)',
      );
    });
  });

  describe('when no one was exposed', () => {
    it('says so', () => {
      assert.equal(armResultLine({ ...result, users: 0 }), 'No one exposed yet');
    });
  });
});

describe('verdictLine', () => {
  it("shows the graph's verdict, or that nothing is significant yet", () => {
    const results = { arms: [], impressionsNotCounted: 0 };
    assert.equal(verdictLine({ ...results, verdict: 'b beats a' }), 'b beats a');
    assert.equal(verdictLine({ ...results, verdict: null }), 'No significant difference yet.');
  });
});
