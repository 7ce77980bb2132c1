import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BOARD, HIKER, profilePayload, RUNNER, SHOES } from '../testing/fixtures.js';
import { chooseAd, chooseDescription, historyTitles } from './chooser.js';
import { connectionsFor, sameInterest } from './connection.js';
import { AD_FORMATS } from './copy.js';
import { itemFactsFromPayload } from './facts.js';
import { NO_INTERESTS, summarizeInterests } from './interests.js';

const shoes = itemFactsFromPayload(SHOES);
const board = itemFactsFromPayload(BOARD);

/** A hiker whose latest likes moved to the kitchen, with the titles of what they liked. */
const movingCook = summarizeInterests(
  profilePayload({
    userId: 'user-7',
    categories: { outdoor: 10, kitchen: 2 },
    tags: { hiking: 6, cooking: 2 },
    recentItems: [
      { itemId: 'k-2', type: 'purchase', at: 9 },
      { itemId: 'k-1', type: 'like', at: 8 },
      { itemId: 'k-3', type: 'rating', value: 5, at: 7 },
      { itemId: 'k-4', type: 'like', at: 6 },
      { itemId: 'o-1', type: 'like', at: 5 },
    ],
  }),
  new Map([
    ['k-1', { title: 'Cast Iron Pan', category: 'kitchen', tags: ['cooking'] }],
    ['k-2', { title: 'Chef Knife', category: 'kitchen', tags: ['cooking'] }],
    ['k-3', { title: 'Spice Rack', category: 'kitchen', tags: ['cooking'] }],
    ['k-4', { title: 'Oven Mitts', category: 'kitchen', tags: [] }],
    ['o-1', { title: 'Trail Map', category: 'outdoor', tags: ['hiking'] }],
  ]),
);

describe('summarizeInterests ranking', () => {
  describe('when the latest liked items moved to a new interest', () => {
    it('ranks it first, with its short-term share and the titles that show it', () => {
      const first = movingCook.ranked?.[0];
      assert.equal(first?.name, 'kitchen');
      assert.equal(first?.shortTerm, 1);
      assert.deepEqual(first?.evidence, ['Chef Knife', 'Cast Iron Pan']);
      const outdoor = movingCook.ranked?.find((i) => i.name === 'outdoor');
      assert.equal(outdoor?.shortTerm, 0);
      assert.ok((outdoor?.longTerm ?? 0) > (first?.longTerm ?? 1), 'long term still outdoor');
    });
  });
});

describe('connectionsFor', () => {
  describe('when the item carries an interest of the user', () => {
    it('connects through the tag first, naming the category as also carried', () => {
      const [first] = connectionsFor(shoes, HIKER);
      assert.equal(first?.kind, 'carries');
      assert.equal(first?.interest.name, 'hiking');
      assert.equal(first?.via, 'tag');
      assert.deepEqual(first?.alsoCarried, ['outdoor']);
    });
  });

  describe('when the item carries none of them', () => {
    it('offers new ground through the strongest interests, never as a match', () => {
      const connections = connectionsFor(board, HIKER);
      assert.ok(connections.length > 0);
      assert.ok(connections.every((c) => c.kind === 'new'));
      assert.equal(connections[0]?.interest.name, 'outdoor');
    });
  });

  describe('when the user has no interests', () => {
    it('is empty', () => {
      assert.deepEqual(connectionsFor(shoes, NO_INTERESTS), []);
    });
  });
});

describe('sameInterest', () => {
  it('takes a plural for the same interest, and nothing else', () => {
    assert.equal(sameInterest('outdoor', 'outdoors'), true);
    assert.equal(sameInterest('outdoor', 'outdoor'), true);
    assert.equal(sameInterest('outdoor', 'garden'), false);
  });
});

describe('chooseDescription and chooseAd', () => {
  describe("for an item in the user's interests", () => {
    it('serves a grounded text naming the interest it reports', () => {
      const chosen = chooseDescription(shoes, HIKER, ['user-1']);
      assert.equal(chosen.verdict.grounded, true, chosen.verdict.problems.join('; '));
      assert.equal(chosen.interest, 'hiking');
      assert.match(chosen.copy.text, /hiking/);
    });
  });

  describe('for an item outside them', () => {
    it('names what the user likes and says the item is new for them', () => {
      const chosen = chooseDescription(board, HIKER);
      assert.equal(chosen.verdict.grounded, true, chosen.verdict.problems.join('; '));
      assert.equal(chosen.interest, 'outdoor');
      assert.match(chosen.copy.text, /new|step away/i);
    });
  });

  describe("when the copy quotes a title of the user's own picks", () => {
    it('passes the grounding check, which takes the title out', () => {
      const chosen = chooseDescription(board, movingCook);
      assert.equal(chosen.verdict.grounded, true, chosen.verdict.problems.join('; '));
      assert.ok(
        historyTitles(movingCook).some((title) => chosen.copy.text.includes(title)),
        chosen.copy.text,
      );
    });
  });

  describe('in every ad format and for two users', () => {
    it('stays grounded and gives each user their own interest', () => {
      for (const format of AD_FORMATS) {
        const hiker = chooseAd(shoes, HIKER, format);
        const runner = chooseAd(shoes, RUNNER, format);
        assert.equal(hiker.verdict.grounded, true, hiker.verdict.problems.join('; '));
        assert.equal(runner.verdict.grounded, true, runner.verdict.problems.join('; '));
        assert.ok(['hiking', 'outdoor'].includes(hiker.interest ?? ''), `${hiker.interest}`);
        assert.equal(runner.interest, 'running');
      }
    });
  });
});
