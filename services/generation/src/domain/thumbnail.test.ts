import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BOARD, HIKER, itemPayload, RUNNER, SHOES } from '../testing/fixtures.js';
import { itemFactsFromPayload } from './facts.js';
import { NO_INTERESTS } from './interests.js';
import {
  chooseTagline,
  composeThumbnail,
  paletteFor,
  TAGLINE_MAX_CHARS,
  taglineCandidates,
  thumbnailSizeProblems,
} from './thumbnail.js';

const shoes = itemFactsFromPayload(SHOES);

describe('thumbnailSizeProblems', () => {
  describe('when both sides are within 64 to 2048', () => {
    it('has none', () => {
      assert.deepEqual(thumbnailSizeProblems(64, 2048), []);
    });
  });

  describe('when a side is out of bounds or not whole', () => {
    it('names each bad side', () => {
      assert.deepEqual(
        thumbnailSizeProblems(10, 2049).map((p) => p.field),
        ['width', 'height'],
      );
      assert.match(
        thumbnailSizeProblems(100.5, 100)[0]?.message ?? '',
        /width must be a whole number of pixels from 64 to 2048, got 100.5/,
      );
    });
  });
});

describe('composeThumbnail', () => {
  describe('when composed for a size', () => {
    it('declares exactly that size', () => {
      const { svg } = composeThumbnail({ facts: shoes, interests: HIKER, width: 640, height: 360 });
      assert.match(svg, /^<svg [^>]*width="640" height="360" viewBox="0 0 640 360"/);
    });
  });

  describe('when two users have different interests', () => {
    it("puts each user's interest on the badge and in the alt text", () => {
      const hiker = composeThumbnail({ facts: shoes, interests: HIKER, width: 640, height: 360 });
      const runner = composeThumbnail({ facts: shoes, interests: RUNNER, width: 640, height: 360 });
      assert.match(hiker.tagline, /hiking/);
      assert.match(runner.tagline, /running/);
      assert.notEqual(hiker.svg, runner.svg);
      assert.match(hiker.altText, /"Trail Running Shoes"/);
      assert.ok(hiker.altText.includes(hiker.tagline));
      assert.match(hiker.altText, /89\.90 EUR/);
    });
  });

  describe('when the user has no profile', () => {
    it('shows the category instead', () => {
      assert.equal(
        composeThumbnail({ facts: shoes, interests: NO_INTERESTS, width: 200, height: 200 })
          .tagline,
        'From outdoor',
      );
    });
  });

  describe('when the title holds markup and is very long', () => {
    it('draws its words without the markup, escapes the rest, and wraps into at most three lines', () => {
      const facts = itemFactsFromPayload(
        itemPayload({
          itemId: 'x',
          title: `<b>Tom & Jerry</b> ${'collector edition '.repeat(10)}`,
        }),
      );
      const { svg } = composeThumbnail({ facts, interests: NO_INTERESTS, width: 320, height: 180 });
      assert.ok(svg.includes('Tom &amp; Jerry'));
      assert.doesNotMatch(svg, /<b>|&lt;b&gt;/);
      const titleLines = svg.match(/font-weight="700" font-size="[\d.]+" fill="#ffffff">/g) ?? [];
      assert.ok(titleLines.length >= 1 && titleLines.length <= 4);
    });
  });

  describe('when the item has a local picture', () => {
    it('draws it and says so in the alt text', () => {
      const image = 'data:image/png;base64,iVBORw0KGgo=';
      const result = composeThumbnail({
        facts: shoes,
        interests: HIKER,
        width: 640,
        height: 360,
        imageDataUri: image,
      });
      assert.ok(result.svg.includes(`<image href="${image}"`));
      assert.match(result.altText, /over the product photo/);
    });
  });
});

describe('paletteFor', () => {
  it('gives categories their own colours, and the same one every time', () => {
    assert.notDeepEqual(paletteFor('outdoor'), paletteFor('kitchen'));
    assert.deepEqual(paletteFor('garden tools'), paletteFor('garden tools'));
    assert.equal(itemFactsFromPayload(BOARD).category, 'kitchen');
  });
});

describe('chooseTagline', () => {
  describe('when the item carries two of the user interests', () => {
    it('names both, the stronger first, and says which one it used', () => {
      const chosen = chooseTagline(shoes, HIKER);
      assert.equal(chosen.text, 'For outdoor & hiking fans');
      assert.equal(chosen.interest, 'outdoor');
    });
  });

  describe('when the item carries none of them', () => {
    it('says it is new ground past their interests, never that it suits them', () => {
      const chosen = chooseTagline(itemFactsFromPayload(BOARD), HIKER);
      assert.match(chosen.text, /^New after outdoor/);
      assert.doesNotMatch(chosen.text, /\bfor\b/i);
      assert.equal(chosen.interest, 'outdoor');
    });
  });

  describe('when every candidate is measured', () => {
    it('offers each pair once and serves one that fits the badge', () => {
      for (const summary of [HIKER, RUNNER]) {
        for (const item of [SHOES, BOARD]) {
          const facts = itemFactsFromPayload(item);
          const texts = taglineCandidates(facts, summary).map((c) => c.text);
          assert.equal(new Set(texts).size, texts.length, texts.join(' | '));
          assert.ok(chooseTagline(facts, summary).text.length <= TAGLINE_MAX_CHARS);
        }
      }
    });
  });

  describe('when the user has no profile', () => {
    it('names no interest', () => {
      assert.deepEqual(chooseTagline(shoes, NO_INTERESTS), {
        text: 'From outdoor',
        interest: null,
      });
    });
  });
});
