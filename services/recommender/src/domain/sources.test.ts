import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { candidateCount, isPersonal, sourcePlan } from './sources.js';

const names = (plan: ReturnType<typeof sourcePlan>) =>
  plan.map((p) => (p.fillOnly ? `${p.source}?` : p.source));

describe('sourcePlan', () => {
  describe('when the user has collaborative and content evidence', () => {
    it('uses both, with popularity as a prior and the newest only to fill', () => {
      const plan = sourcePlan({ collaborative: true, content: true });
      assert.deepEqual(names(plan), ['collaborative', 'content', 'popular', 'newest?']);
      assert.equal(isPersonal(plan), true);
    });
  });

  describe('when the user has no cf vector yet (or one of an older model)', () => {
    it('goes through content and popularity', () => {
      const plan = sourcePlan({ collaborative: false, content: true });
      assert.deepEqual(names(plan), ['content', 'popular', 'newest?']);
    });
  });

  describe('when the user only has a cf vector', () => {
    it('goes through collaborative and popularity', () => {
      const plan = sourcePlan({ collaborative: true, content: false });
      assert.deepEqual(names(plan), ['collaborative', 'popular', 'newest?']);
    });
  });

  describe('when the user has no history', () => {
    it('is trending, popular and newest: cold start is a plan, not another path', () => {
      const plan = sourcePlan({ collaborative: false, content: false });
      assert.deepEqual(names(plan), ['trending', 'popular', 'newest?']);
      assert.equal(isPersonal(plan), false);
    });
  });
});

describe('candidateCount', () => {
  describe('when the list is short, long, or the source is off', () => {
    it('is per item asked for, short lists counting as 10, at most 500', () => {
      assert.equal(candidateCount(10, 3), 100);
      assert.equal(candidateCount(10, 10), 100);
      assert.equal(candidateCount(5, 23), 115);
      assert.equal(candidateCount(20, 50), 500);
      assert.equal(candidateCount(0, 10), 0);
    });
  });
});
