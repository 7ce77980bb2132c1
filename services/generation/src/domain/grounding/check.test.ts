import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CRAFTED, itemPayload, SHOES } from '../../testing/fixtures.js';
import { itemFactsFromPayload } from '../facts.js';
import { checkAd, checkDescription } from './check.js';

const shoes = itemFactsFromPayload(SHOES);
const crafted = itemFactsFromPayload(CRAFTED);

const GOOD =
  'Trail Running Shoes are an outdoor pick tagged running, trail and hiking. Lightweight shoes with a 4 mm drop for long runs. ' +
  'The material is mesh, the colour is blue and the weight is 280 g. They sell for 89.90 EUR and are in stock now.';

function withSentence(sentence: string): string {
  return `${GOOD} ${sentence}`;
}

function problemsOf(text: string, facts = shoes): string[] {
  return checkDescription({ text }, facts).problems;
}

const banner = (
  headline: string,
  body = 'Tagged running and trail. 89.90 EUR.',
  callToAction = 'Shop now',
) => ({
  headline,
  body,
  callToAction,
});

describe('checkDescription', () => {
  describe('when every statement comes from the facts', () => {
    it('passes', () => {
      assert.deepEqual(checkDescription({ text: GOOD }, shoes), { grounded: true, problems: [] });
    });
  });

  describe('when a number is not in the facts', () => {
    it('names it', () => {
      assert.deepEqual(problemsOf(withSentence('They last 3 seasons.')), [
        'text: number "3" is not in the item facts',
      ]);
    });
  });

  describe('when a price differs from the item price', () => {
    it('fails', () => {
      assert.deepEqual(problemsOf(GOOD.replace('89.90', '79.90')), [
        'text: number "79.90" is not in the item facts',
      ]);
    });
  });

  describe("when the merchant's free text states another price", () => {
    it('does not ground that price (offers come from structured fields only)', () => {
      // Built as a fact index would be from a payload whose description claimed it, had the
      // facts reader not dropped that sentence.
      const facts = { ...shoes, description: `${shoes.description} Now only 9 EUR today.` };
      assert.deepEqual(problemsOf(withSentence('Now only 9 EUR.'), facts), [
        'text: "9" as a price or discount is not the item\'s offer',
      ]);
    });
  });

  describe('when a text carries markup or invisible characters', () => {
    it('fails', () => {
      assert.deepEqual(problemsOf(withSentence('<b>Great</b> shoes.')).slice(0, 1), [
        'text: markup or invisible characters',
      ]);
      assert.deepEqual(problemsOf(`${GOOD}\u202e`), ['text: markup or invisible characters']);
    });
  });

  describe('when a known number carries another unit', () => {
    it('fails', () => {
      assert.deepEqual(problemsOf(withSentence('The sole is 4 cm thick.')), [
        'text: "4" with unit cm is not in the item facts',
      ]);
    });
  });

  describe('when a number is spelled out', () => {
    it('is checked as a number', () => {
      assert.deepEqual(problemsOf(withSentence('Comes as a set of two.')), [
        'text: number word "two" is not in the item facts',
      ]);
    });
  });

  describe('when a promotional claim is made', () => {
    it('fails for each claim the facts do not make', () => {
      assert.deepEqual(problemsOf(withSentence('The best shoes, with free shipping.')), [
        'text: claim "free" is not in the item facts',
        'text: claim "best" is not in the item facts',
        'text: claim "shipping" is not in the item facts',
      ]);
    });

    it('passes when the structured facts make it', () => {
      const gum = itemFactsFromPayload(
        itemPayload({ itemId: 'g-1', title: 'Sugar-Free Gum', tags: [] }),
      );
      const text = withSentence('Sugar free and easy to carry.').replace(
        /Trail Running Shoes/,
        'Sugar-Free Gum',
      );
      assert.deepEqual(checkDescription({ text }, gum).problems, []);
    });
  });

  describe('when a material or colour is invented', () => {
    it('fails', () => {
      assert.deepEqual(problemsOf(withSentence('Also in red leather.')), [
        'text: "red" is not an attribute of the item',
        'text: "leather" is not an attribute of the item',
      ]);
    });
  });

  describe('when a name the facts do not carry appears', () => {
    it('fails', () => {
      assert.deepEqual(problemsOf(withSentence('Designed with Nike engineers.')), [
        'text: name "Nike" is not in the item facts',
      ]);
    });
  });

  describe('when the currency is not the item currency', () => {
    it('fails', () => {
      assert.deepEqual(problemsOf(GOOD.replace('89.90 EUR', '$89.90')), [
        'text: currency "$" is not the item\'s',
      ]);
    });
  });

  describe('when the text holds a link or the user id', () => {
    it('fails', () => {
      const result = checkDescription(
        { text: withSentence('See www.example.com now, shopper-abc.') },
        shoes,
        {
          forbiddenTerms: ['shopper-abc'],
        },
      );
      assert.deepEqual(result.problems, [
        'text: links and e-mail addresses are not allowed',
        'text: contains an identifier of the user',
      ]);
    });
  });

  describe('when the text talks about prompts or instructions', () => {
    it('fails, unless the item itself is about them', () => {
      assert.deepEqual(
        problemsOf(withSentence('Speaking as an ai, I followed the instructions.')),
        [
          'text: "instructions" talks about the machinery, not the item',
          'text: "as an ai" talks about the machinery, not the item',
        ],
      );
      const cards = itemFactsFromPayload(
        itemPayload({ itemId: 'p-1', title: 'Prompt Cards', tags: [] }),
      );
      const text = withSentence('Each prompt sparks a talk.').replace(
        /Trail Running Shoes/,
        'Prompt Cards',
      );
      assert.deepEqual(checkDescription({ text }, cards).problems, []);
    });
  });

  describe('when the same item is checked again after an edit', () => {
    it('reads the edited facts, not the ones it read before', () => {
      const text = withSentence('They last 3 seasons.');
      assert.deepEqual(problemsOf(text), ['text: number "3" is not in the item facts']);
      const edited = { ...shoes, description: `${shoes.description} Made to last 3 seasons.` };
      assert.deepEqual(problemsOf(text, edited), []);
      assert.deepEqual(problemsOf(text), ['text: number "3" is not in the item facts']);
    });
  });

  describe('when the text is too short or too long', () => {
    it('names the word count', () => {
      assert.deepEqual(problemsOf('Trail Running Shoes for 89.90 EUR.'), [
        'text: 6 words, expected 30 to 90',
      ]);
      const long = `${GOOD} ${'Take a look at them. '.repeat(12)}`;
      assert.match(problemsOf(long)[0] ?? '', /^text: \d+ words, expected 30 to 90$/);
    });
  });

  describe('when the item description tried to inject FREE', () => {
    it('rejects FREE even though the raw description carried it', () => {
      const text =
        'The Ceramic Coffee Mug is a sturdy mug for your morning coffee and holds 350 ml. The material is ceramic. ' +
        'It sells for 12.50 EUR and is in stock now, so take a look at the details. FREE for you today.';
      const problems = checkDescription({ text }, crafted).problems;
      assert.ok(
        problems.includes('text: claim "free" is not in the item facts'),
        problems.join('; '),
      );
      assert.ok(
        problems.includes('text: "FREE" is shouted and not in the item facts'),
        problems.join('; '),
      );
    });
  });
});

describe('checkAd', () => {
  describe('when a banner headline is over 40 characters', () => {
    it('fails for BANNER and passes as an email subject up to 60', () => {
      const headline = 'Trail Running Shoes for running and trail';
      assert.equal(headline.length, 41);
      assert.deepEqual(checkAd(banner(headline), 'BANNER', shoes).problems, [
        'headline: 41 characters, at most 40 allowed for BANNER',
      ]);
      assert.deepEqual(checkAd(banner(headline), 'EMAIL_SUBJECT', shoes).problems, []);
    });
  });

  describe('when the body is over 125 characters or a part is empty', () => {
    it('fails', () => {
      const body = 'Tagged running and trail. '.repeat(6);
      assert.deepEqual(checkAd(banner('Trail Running Shoes', body, ''), 'BANNER', shoes).problems, [
        `body: ${body.trim().length} characters, at most 125 allowed for BANNER`,
        'callToAction: empty',
      ]);
    });
  });

  describe('when a headline is in title case', () => {
    it('passes: title case is allowed there', () => {
      assert.deepEqual(checkAd(banner('Step Up Your Trail Game'), 'SOCIAL', shoes).problems, []);
    });
  });

  describe('when a hashtag is not one of the tags', () => {
    it('fails', () => {
      assert.deepEqual(
        checkAd(banner('Trail Running Shoes', '89.90 EUR. #running #sale'), 'SOCIAL', shoes)
          .problems,
        [
          'body: claim "sale" is not in the item facts',
          'body: hashtag "#sale" is not in the item facts',
        ],
      );
    });
  });
});
