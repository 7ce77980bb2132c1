import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { blend, normalizeSignals, type SourceWeights, strongestSource } from './blend.js';

const WEIGHTS: SourceWeights = {
  collaborative: 1,
  content: 1,
  popular: 0.1,
  trending: 1,
  newest: 0.05,
};

describe('normalizeSignals', () => {
  describe('when collaborative dot products are on the model’s own scale', () => {
    it('divides them by the largest positive one, keeping negatives and bounded signals', () => {
      const normalized = normalizeSignals([
        { signals: { collaborative: 4, content: 0.3 } },
        { signals: { collaborative: 2, popular: 0.5 } },
        { signals: { collaborative: -1 } },
        { signals: { content: 0.9 } },
      ]);
      assert.deepEqual(normalized, [
        { collaborative: 1, content: 0.3 },
        { collaborative: 0.5, popular: 0.5 },
        { collaborative: -0.25 },
        { content: 0.9 },
      ]);
    });
  });

  describe('when the collaborative model predicts little for the whole list', () => {
    it('divides by the floor instead of the list’s best, so its best guess stays weak', () => {
      const normalized = normalizeSignals(
        [{ signals: { collaborative: 0.05, content: 0.6 } }, { signals: { collaborative: 0.02 } }],
        { collaborative: 0.25 },
      );
      assert.deepEqual(normalized, [{ collaborative: 0.2, content: 0.6 }, { collaborative: 0.08 }]);
    });

    it('still divides by the list’s best when that is above the floor', () => {
      const normalized = normalizeSignals(
        [{ signals: { collaborative: 0.5 } }, { signals: { collaborative: 0.25 } }],
        { collaborative: 0.25 },
      );
      assert.deepEqual(normalized, [{ collaborative: 1 }, { collaborative: 0.5 }]);
    });

    it('lets content outrank a weak model’s top pick in the blend', () => {
      const candidates = [
        { id: 'cf-guess', signals: { collaborative: 0.03, content: 0.1 } },
        { id: 'on-taste', signals: { collaborative: 0.01, content: 0.7 } },
      ];
      const weights = { ...WEIGHTS, content: 0.5 };
      assert.equal(blend(candidates, weights)[0]!.id, 'cf-guess');
      assert.equal(blend(candidates, weights, { collaborative: 0.3 })[0]!.id, 'on-taste');
    });
  });

  describe('when no candidate has a positive collaborative signal', () => {
    it('gives them all 0 rather than dividing by nothing', () => {
      const normalized = normalizeSignals([
        { signals: { collaborative: -2 } },
        { signals: { collaborative: 0 } },
      ]);
      assert.deepEqual(normalized, [{ collaborative: 0 }, { collaborative: 0 }]);
    });
  });

  describe('when a signal is not a finite number', () => {
    it('leaves it out', () => {
      assert.deepEqual(normalizeSignals([{ signals: { content: Number.NaN, popular: 1 } }]), [
        { popular: 1 },
      ]);
    });
  });
});

describe('blend', () => {
  describe('when candidates carry different signals', () => {
    it('scores the weighted sum of normalized signals, absent ones 0, highest first', () => {
      const ranked = blend(
        [
          { id: 'content-only', signals: { content: 0.8, newest: 1 } },
          { id: 'both', signals: { collaborative: 3, content: 0.5, popular: 1 } },
          { id: 'cf-only', signals: { collaborative: 6 } },
        ],
        WEIGHTS,
      );
      assert.deepEqual(
        ranked.map((r) => [r.id, Number(r.score.toFixed(6))]),
        [
          ['both', 1.1], // 0.5·1 + 0.5 + 0.1·1
          ['cf-only', 1],
          ['content-only', 0.85], // 0.8 + 0.05·1
        ],
      );
      assert.deepEqual(ranked[0]!.normalized, { collaborative: 0.5, content: 0.5, popular: 1 });
    });
  });

  describe('when a source weighs 0', () => {
    it('its signal no longer moves the order', () => {
      const ranked = blend(
        [
          { id: 'a', signals: { content: 0.2, collaborative: 1 } },
          { id: 'b', signals: { content: 0.4 } },
        ],
        { ...WEIGHTS, collaborative: 0 },
      );
      assert.deepEqual(
        ranked.map((r) => r.id),
        ['b', 'a'],
      );
    });
  });

  describe('when scores tie', () => {
    it('keeps the order the sources found them in', () => {
      const ranked = blend(
        [
          { id: 'first', signals: { popular: 0.5 } },
          { id: 'second', signals: { popular: 0.5 } },
        ],
        WEIGHTS,
      );
      assert.deepEqual(
        ranked.map((r) => r.id),
        ['first', 'second'],
      );
    });
  });
});

describe('strongestSource', () => {
  describe('when several sources add to a score', () => {
    it('names the one adding the most, among those asked about', () => {
      const normalized = { collaborative: 0.9, content: 0.4, trending: 1 };
      assert.equal(
        strongestSource(normalized, WEIGHTS, ['collaborative', 'content']),
        'collaborative',
      );
      assert.equal(
        strongestSource(normalized, { ...WEIGHTS, collaborative: 0.3 }, [
          'collaborative',
          'content',
        ]),
        'content',
      );
      assert.equal(strongestSource({}, WEIGHTS, ['collaborative', 'content']), null);
    });
  });
});
