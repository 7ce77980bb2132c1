import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BOARD, CRAFTED, HIKER, itemPayload, RUNNER, SHOES } from '../testing/fixtures.js';
import { AD_FORMATS, AD_LIMITS } from './copy.js';
import { itemFactsFromPayload } from './facts.js';
import { checkAd, checkDescription } from './grounding/check.js';
import { NO_INTERESTS } from './interests.js';
import { templateAd, templateDescription } from './template.js';

const shoes = itemFactsFromPayload(SHOES);

describe('templateDescription', () => {
  describe('when called twice with the same inputs', () => {
    it('writes the same text', () => {
      assert.equal(
        templateDescription(shoes, HIKER).text,
        templateDescription(shoes, structuredClone(HIKER)).text,
      );
    });
  });

  describe('when two users have different interests the item carries', () => {
    it("writes different texts, each naming its user's interest", () => {
      const hiker = templateDescription(shoes, HIKER).text;
      const runner = templateDescription(shoes, RUNNER).text;
      assert.notEqual(hiker, runner);
      assert.match(
        hiker,
        /your (interest in|taste in|thing|list).*hiking|hiking (is your thing|high on your list)/,
      );
      assert.match(runner, /running/);
      assert.doesNotMatch(runner.split('. ')[1] ?? '', /hiking/);
    });
  });

  describe('when an attribute value is the interest', () => {
    it('names the attribute', () => {
      const text = templateDescription(itemFactsFromPayload(BOARD), RUNNER).text;
      assert.match(text, /material is walnut/);
      assert.match(text, /(taste for walnut|You like walnut)/);
    });
  });

  describe("when the item's category is also one of its tags", () => {
    it('names the category once beside the other tags, never "comedy and comedy"', () => {
      const fan = {
        categories: [{ name: 'comedy', weight: 0.6 }],
        tags: [{ name: 'drama', weight: 0.3 }],
        recentlyLiked: [],
      };
      const texts: string[] = [];
      // Enough items that every opener and body phrasing is drawn.
      for (let i = 0; i < 24; i += 1) {
        const film = itemFactsFromPayload(
          itemPayload({
            itemId: `movie-${i}`,
            title: `Film ${i}`,
            description: '',
            category: 'comedy',
            tags: ['comedy', 'drama', 'crime'],
            attributes: { year: '2013' },
          }),
        );
        for (const interests of [NO_INTERESTS, HIKER, fan]) {
          texts.push(templateDescription(film, interests).text);
          for (const format of AD_FORMATS) {
            const ad = templateAd(film, interests, format);
            texts.push(`${ad.headline}. ${ad.body}`);
          }
        }
      }
      for (const text of texts) {
        assert.doesNotMatch(text, /\bcomedy(,| and| &) comedy\b/i, text);
        assert.doesNotMatch(text, /\b(comedy|drama|crime), (comedy|drama|crime) and \1\b/i, text);
      }
      // The category is still named beside the tags it was listed with.
      assert.ok(texts.some((t) => /comedy (and|with a focus on|tagged) drama/.test(t)));
    });
  });

  describe('for any user', () => {
    it('stays grounded and within 30 to 90 words', () => {
      for (const interests of [HIKER, RUNNER, NO_INTERESTS]) {
        for (const payload of [SHOES, BOARD, CRAFTED]) {
          const facts = itemFactsFromPayload(payload);
          const result = checkDescription(templateDescription(facts, interests), facts);
          assert.deepEqual(result.problems, [], `${payload.itemId}`);
        }
      }
    });
  });

  describe('when the item has almost no facts', () => {
    it('pads to the minimum length and stays grounded', () => {
      const bare = itemFactsFromPayload(
        itemPayload({
          itemId: 'bare-1',
          title: 'Mug',
          description: '',
          tags: [],
          attributes: {},
          category: 'kitchen',
        }),
      );
      const description = templateDescription(bare, NO_INTERESTS);
      assert.deepEqual(checkDescription(description, bare).problems, []);
    });
  });

  describe('when the item is out of stock', () => {
    it('says so', () => {
      const facts = itemFactsFromPayload({ ...SHOES, inStock: false });
      assert.match(templateDescription(facts, HIKER).text, /out of stock/);
    });
  });
});

describe('templateAd', () => {
  describe('in every format', () => {
    it("stays grounded and within the format's bounds", () => {
      for (const format of AD_FORMATS) {
        for (const interests of [HIKER, RUNNER, NO_INTERESTS]) {
          for (const payload of [SHOES, BOARD, CRAFTED]) {
            const facts = itemFactsFromPayload(payload);
            const ad = templateAd(facts, interests, format);
            assert.deepEqual(
              checkAd(ad, format, facts).problems,
              [],
              `${format} ${payload.itemId}`,
            );
          }
        }
      }
    });
  });

  describe('when two users have different interests the item carries', () => {
    it("leads with each user's interest", () => {
      for (const format of AD_FORMATS) {
        const hiker = templateAd(shoes, HIKER, format);
        const runner = templateAd(shoes, RUNNER, format);
        assert.match(`${hiker.headline} ${hiker.body}`, /hiking/i, format);
        assert.match(`${runner.headline} ${runner.body}`, /running/i, format);
        assert.notDeepEqual(hiker, runner);
      }
    });
  });

  describe('when the title is longer than a headline may be', () => {
    it('shortens it on a word boundary', () => {
      const facts = itemFactsFromPayload(
        itemPayload({
          itemId: 'long-1',
          title: 'Ultralight Three Season Backpacking Tent With Vestibule And Footprint',
        }),
      );
      const ad = templateAd(facts, NO_INTERESTS, 'BANNER');
      assert.ok(ad.headline.length <= AD_LIMITS.BANNER.headlineChars, ad.headline);
      assert.match(ad.headline, /^Ultralight .*…$/);
    });
  });

  describe('when the item description tried to inject FREE', () => {
    it('never writes FREE', () => {
      const facts = itemFactsFromPayload(CRAFTED);
      for (const interests of [HIKER, RUNNER, NO_INTERESTS]) {
        assert.doesNotMatch(templateDescription(facts, interests).text, /free/i);
        for (const format of AD_FORMATS) {
          assert.doesNotMatch(JSON.stringify(templateAd(facts, interests, format)), /free/i);
        }
      }
    });
  });
});
