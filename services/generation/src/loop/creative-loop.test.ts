import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { seededRandom, silentLogger } from '@tailor/kit';

import { type Angle, ANGLES } from '../domain/loop/angles.js';
import { DEFAULT_BANDIT_SETTINGS } from '../domain/loop/bandit.js';
import { creativeId } from '../domain/loop/creative.js';
import { CreativeLoop, MemoryDecisionSink, type VariantSlot } from './creative-loop.js';

function loop(options: { enabled?: boolean; stickyMs?: number; now?: () => number } = {}) {
  const sink = new MemoryDecisionSink();
  const creativeLoop = new CreativeLoop({
    enabled: options.enabled ?? true,
    settings: DEFAULT_BANDIT_SETTINGS,
    random: seededRandom(16),
    promptVersion: 'template-v3',
    stickyMs: options.stickyMs ?? 0,
    stickyMaxEntries: 1000,
    maxShoppers: 100,
    sink,
    logger: silentLogger(),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  return { creativeLoop, sink };
}

const SLOT: VariantSlot = {
  userId: 'u-1',
  itemId: 'shoe-1',
  format: 'DESCRIPTION',
  recommendationId: 'rec-1',
  topCategory: 'Outdoor',
};

function share(angles: readonly Angle[], angle: Angle): number {
  return angles.filter((a) => a === angle).length / angles.length;
}

describe('CreativeLoop', () => {
  describe('when one angle earns the rewards', () => {
    it('shows it to more and more users of the bucket', () => {
      const { creativeLoop } = loop();
      const chosen: Angle[] = [];
      for (let user = 0; user < 1500; user += 1) {
        const decision = creativeLoop.choose({ ...SLOT, userId: `u-${user}` }, ANGLES);
        chosen.push(decision.angle);
        if (decision.angle === 'novelty' && user % 3 === 0)
          creativeLoop.reward(decision, 1, `u-${user}`);
      }
      for (const angle of ANGLES)
        assert.ok(chosen.slice(0, 40).includes(angle), `${angle} is tried at first`);
      assert.ok(share(chosen.slice(-300), 'novelty') > 0.8, 'ends on the rewarded angle');
    });

    it('keeps the other formats and categories as they were', () => {
      const { creativeLoop } = loop();
      for (let user = 0; user < 300; user += 1) {
        const decision = creativeLoop.choose({ ...SLOT, userId: `u-${user}` }, ANGLES);
        if (decision.angle === 'value') creativeLoop.reward(decision, 1, `u-${user}`);
      }
      const ad = creativeLoop.posteriors.stats('ad_banner|any|outdoor', 'value');
      const kitchen = creativeLoop.posteriors.stats('description|any|kitchen', 'value');
      assert.deepEqual(
        [ad, kitchen],
        [
          { impressions: 0, reward: 0 },
          { impressions: 0, reward: 0 },
        ],
      );
      assert.ok(creativeLoop.posteriors.stats('description|any|outdoor', 'value').reward > 0);
    });
  });

  describe('when one user clicks an angle the others of their bucket do not', () => {
    const BUCKET = 'description|any|outdoor';
    const OFFERED: readonly Angle[] = ['value', 'novelty'];
    /**
     * Showings read from the log: a bucket whose users click novelty far more than value, and
     * ann, whose own showings say she clicks value.
     */
    function trained() {
      const { creativeLoop } = loop();
      const show = (angle: Angle, userId: string, rewarded: boolean) => {
        creativeLoop.impression({ bucket: BUCKET, angle }, userId);
        if (rewarded) creativeLoop.reward({ bucket: BUCKET, angle }, 1, userId);
      };
      for (let user = 0; user < 1000; user += 1) {
        show('novelty', `u-${user}`, user % 10 < 3);
        show('value', `u-${user}`, user % 20 === 0);
      }
      for (let i = 0; i < 40; i += 1) {
        show('value', 'ann', i % 2 === 0);
        show('novelty', 'ann', false);
      }
      return creativeLoop;
    }
    const chance = (decision: { probabilities: Partial<Record<Angle, number>> }, angle: Angle) =>
      decision.probabilities[angle] ?? 0;

    it('shows that user their angle and the others the bucket’s', () => {
      const creativeLoop = trained();
      const anns = creativeLoop.choose({ ...SLOT, userId: 'ann' }, OFFERED);
      const newcomers = creativeLoop.choose({ ...SLOT, userId: 'new' }, OFFERED);
      assert.ok(chance(anns, 'value') > 0.8, `value for ann: ${chance(anns, 'value')}`);
      assert.ok(chance(newcomers, 'novelty') > 0.8, 'novelty for a new user');
    });

    it('shows them the bucket’s again once they are forgotten', () => {
      const creativeLoop = trained();
      assert.equal(creativeLoop.forgetShoppers(['ann', 'never-seen']), 1);
      assert.equal(creativeLoop.shoppers.evidence('ann', BUCKET), undefined);
      const anns = creativeLoop.choose({ ...SLOT, userId: 'ann' }, OFFERED);
      assert.ok(chance(anns, 'novelty') > 0.8, `novelty for ann: ${chance(anns, 'novelty')}`);
    });
  });

  describe('a decision', () => {
    it('carries the creative id of its angle and only the angles on offer', () => {
      const { creativeLoop, sink } = loop();
      const decision = creativeLoop.choose(SLOT, ['interest', 'value']);
      assert.ok(['interest', 'value'].includes(decision.angle));
      assert.deepEqual(Object.keys(decision.probabilities).sort(), ['interest', 'value']);
      assert.equal(
        decision.creativeId,
        creativeId({
          itemId: 'shoe-1',
          angle: decision.angle,
          format: 'DESCRIPTION',
          promptVersion: 'template-v3',
        }),
      );
      assert.deepEqual(sink.decisions, [decision]);
    });

    it('is the interest angle, with propensity 1, when variants are off', () => {
      const { creativeLoop } = loop({ enabled: false });
      const decision = creativeLoop.choose(SLOT, ANGLES);
      assert.equal(decision.angle, 'interest');
      assert.equal(decision.propensity, 1);
      assert.equal(decision.explored, false);
    });

    it('holds for the same user, item and format until it expires, or its angle is gone', () => {
      let now = 1_000;
      const { creativeLoop, sink } = loop({ stickyMs: 60_000, now: () => now });
      const first = creativeLoop.choose(SLOT, ANGLES);
      assert.equal(creativeLoop.choose({ ...SLOT, recommendationId: 'rec-2' }, ANGLES), first);
      assert.notEqual(creativeLoop.choose({ ...SLOT, userId: 'u-2' }, ANGLES), first);
      const others = ANGLES.filter((a) => a !== first.angle);
      assert.notEqual(creativeLoop.choose(SLOT, others).angle, first.angle);
      now += 61_000;
      const later = creativeLoop.choose(SLOT, ANGLES);
      assert.notEqual(later.decisionId, first.decisionId);
      assert.equal(sink.decisions.length, 4);
    });
  });
});
