import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { chooseAd, chooseDescription } from './domain/chooser.js';
import { AD_FORMATS, DESCRIPTION_WORDS } from './domain/copy.js';
import { type ItemFacts, itemFactsFromPayload } from './domain/facts.js';
import { checkAd, checkDescription } from './domain/grounding/check.js';
import { type InterestSummary, matchInterests, NO_INTERESTS } from './domain/interests.js';
import { type Angle, ANGLES } from './domain/loop/angles.js';
import { templateAd, templateDescription } from './domain/template.js';
import { chooseTagline, TAGLINE_MAX_CHARS } from './domain/thumbnail.js';
import { availableAngles } from './domain/variants.js';

/** The demo catalog the catalog service seeds, in its import form (one JSON object a line). */
const DEMO_CATALOG = new URL('../../catalog/data/demo-catalog.jsonl', import.meta.url);

interface ImportedItem {
  id: string;
  title: string;
  description?: string;
  category: string;
  tags?: string[];
  price: { amount: number; currency: string };
  imageUrl?: string | null;
  inStock?: boolean;
  attributes?: { name: string; value: string }[];
}

function demoItems(): ItemFacts[] {
  return readFileSync(DEMO_CATALOG, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ImportedItem)
    .map((item) =>
      itemFactsFromPayload({
        itemId: item.id,
        title: item.title,
        description: item.description ?? '',
        category: item.category,
        tags: item.tags ?? [],
        price: item.price.amount,
        currency: item.price.currency,
        ...(item.imageUrl ? { imageUrl: item.imageUrl } : {}),
        inStock: item.inStock ?? true,
        attributes: Object.fromEntries((item.attributes ?? []).map((a) => [a.name, a.value])),
        createdAt: 0,
        updatedAt: 0,
      }),
    );
}

/** Two demo-like users: one outdoors and sports, one cooking and groceries. */
const OUTDOORSY: InterestSummary = {
  categories: [
    { name: 'outdoor', weight: 0.4 },
    { name: 'sports', weight: 0.3 },
  ],
  tags: [
    { name: 'hiking', weight: 0.3 },
    { name: 'camping', weight: 0.2 },
    { name: 'fitness', weight: 0.1 },
  ],
  recentlyLiked: ['Two Person Dome Tent'],
};
const COOK: InterestSummary = {
  categories: [
    { name: 'kitchen', weight: 0.5 },
    { name: 'grocery', weight: 0.3 },
  ],
  tags: [
    { name: 'cooking', weight: 0.3 },
    { name: 'coffee', weight: 0.2 },
    { name: 'black', weight: 0.05 },
  ],
  recentlyLiked: [],
};

describe('the template writer over the demo catalog', () => {
  const items = demoItems();

  it('reads the whole catalog', () => {
    assert.ok(items.length >= 100, `only ${items.length} items`);
  });

  for (const [name, interests] of [
    ['an outdoorsy user', OUTDOORSY],
    ['a cook', COOK],
    ['a user without a profile', NO_INTERESTS],
  ] as const) {
    describe(`for ${name}`, () => {
      it('writes descriptions and ads in every format that pass the grounding check', () => {
        const failures: string[] = [];
        for (const facts of items) {
          const description = checkDescription(templateDescription(facts, interests), facts);
          if (!description.grounded)
            failures.push(`${facts.id} description: ${description.problems.join('; ')}`);
          for (const format of AD_FORMATS) {
            const ad = checkAd(templateAd(facts, interests, format), format, facts);
            if (!ad.grounded) failures.push(`${facts.id} ${format}: ${ad.problems.join('; ')}`);
          }
        }
        assert.deepEqual(failures, []);
      });

      it('names the matching interest in the description of every item that carries one', () => {
        const unnamed = items
          .map((facts) => ({ facts, match: matchInterests(facts, interests)[0] }))
          .filter(({ match }) => match !== undefined)
          .filter(
            ({ facts, match }) =>
              !templateDescription(facts, interests).text.includes(match?.interest ?? ''),
          )
          .map(({ facts }) => facts.id);
        assert.deepEqual(unnamed, []);
      });
    });
  }

  describe('writing variants by angle', () => {
    for (const [name, interests] of [
      ['an outdoorsy user', OUTDOORSY],
      ['a cook', COOK],
      ['a user without a profile', NO_INTERESTS],
    ] as const) {
      it(`serves grounded copy from every angle an item offers ${name}, each its own`, () => {
        const failures: string[] = [];
        const offered = new Map<Angle, number>();
        for (const facts of items) {
          const angles = availableAngles(facts, interests);
          const texts = new Set<string>();
          for (const angle of angles) {
            offered.set(angle, (offered.get(angle) ?? 0) + 1);
            const description = chooseDescription(facts, interests, [], angle);
            const words = description.copy.text.split(/\s+/).length;
            if (!description.verdict.grounded)
              failures.push(`${facts.id} ${angle}: ${description.verdict.problems.join('; ')}`);
            if (words < DESCRIPTION_WORDS.min || words > DESCRIPTION_WORDS.max)
              failures.push(`${facts.id} ${angle}: ${words} words`);
            texts.add(description.copy.text);
            for (const format of AD_FORMATS) {
              const ad = chooseAd(facts, interests, format, [], angle);
              if (!ad.verdict.grounded)
                failures.push(`${facts.id} ${angle} ${format}: ${ad.verdict.problems.join('; ')}`);
            }
            const badge = chooseTagline(facts, interests, angle);
            if (badge.text.length > TAGLINE_MAX_CHARS)
              failures.push(`${facts.id} ${angle} badge: ${badge.text}`);
          }
          if (texts.size !== angles.length)
            failures.push(`${facts.id}: ${angles.length} angles, ${texts.size} distinct texts`);
        }
        assert.deepEqual(failures, []);
        assert.ok((offered.get('value') ?? 0) > items.length / 2, 'most items have a price');
        if (interests !== NO_INTERESTS)
          assert.ok((offered.get('novelty') ?? 0) > 0, 'some items are new ground');
        else assert.equal(offered.get('novelty'), undefined, 'nothing is new without a profile');
        assert.equal(
          ANGLES.filter((a) => offered.has(a)).length >= 2,
          true,
          'more than one angle is on offer',
        );
      });
    }
  });

  it('writes different descriptions for the two users wherever an item carries an interest of either', () => {
    const same = items
      .filter(
        (facts) => matchInterests(facts, OUTDOORSY).length + matchInterests(facts, COOK).length > 0,
      )
      .filter(
        (facts) =>
          templateDescription(facts, OUTDOORSY).text === templateDescription(facts, COOK).text,
      )
      .map((facts) => facts.id);
    assert.deepEqual(same, []);
  });
});
