import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { seededRandom } from '@tailor/kit';

import { type Angle, ANGLES } from './angles.js';
import {
  type BanditSettings,
  BetaPosteriors,
  checkBanditSettings,
  chooseArm,
  type ContextPath,
  DEFAULT_BANDIT_SETTINGS,
} from './bandit.js';
import { ShopperEvidence } from './shoppers.js';

const SETTINGS: BanditSettings = { ...DEFAULT_BANDIT_SETTINGS, minArmProbability: 0.02 };

/** Shows `arm` `impressions` times in `bucket`, `rewarded` of them with reward 1. */
function observe(
  posteriors: BetaPosteriors<Angle>,
  bucket: string | ContextPath,
  arm: Angle,
  impressions: number,
  rewarded: number,
): void {
  for (let i = 0; i < impressions; i += 1) {
    posteriors.recordImpression(bucket, arm);
    if (i < rewarded) posteriors.recordReward(bucket, arm, 1);
  }
}

function share(choices: readonly Angle[], arm: Angle): number {
  return choices.filter((c) => c === arm).length / choices.length;
}

describe('chooseArm', () => {
  describe('when nothing is known yet', () => {
    it('spreads its choices over every arm', () => {
      const random = seededRandom(1);
      const posteriors = new BetaPosteriors<Angle>();
      const choices = Array.from(
        { length: 2000 },
        () => chooseArm(posteriors, 'b', ANGLES, SETTINGS, random).arm,
      );
      for (const angle of ANGLES) {
        assert.ok(Math.abs(share(choices, angle) - 0.25) < 0.04, `${angle} near a quarter`);
      }
    });
  });

  describe('when one arm earns rewards as it is shown', () => {
    it('moves the selection share toward it', () => {
      const random = seededRandom(2);
      const posteriors = new BetaPosteriors<Angle>();
      const clickRate: Record<Angle, number> = {
        interest: 0.05,
        value: 0.05,
        popularity: 0.05,
        novelty: 0.25,
      };
      const choices: Angle[] = [];
      for (let round = 0; round < 3000; round += 1) {
        const { arm } = chooseArm(posteriors, 'home|outdoor', ANGLES, SETTINGS, random);
        posteriors.recordImpression('home|outdoor', arm);
        if (random() < clickRate[arm]) posteriors.recordReward('home|outdoor', arm, 1);
        choices.push(arm);
      }
      for (const angle of ANGLES)
        assert.ok(share(choices.slice(0, 200), angle) > 0.02, `${angle} is tried at first`);
      assert.ok(share(choices.slice(-1000), 'novelty') > 0.85, 'exploits in the end');
    });

    it('keeps each bucket apart: rewards in one do not decide another with its own evidence', () => {
      const random = seededRandom(3);
      const posteriors = new BetaPosteriors<Angle>();
      observe(posteriors, 'home|outdoor', 'value', 400, 120);
      observe(posteriors, 'home|kitchen', 'value', 400, 8);
      observe(posteriors, 'home|kitchen', 'novelty', 400, 120);
      for (const angle of ['interest', 'popularity'] as const) {
        observe(posteriors, 'home|outdoor', angle, 400, 8);
        observe(posteriors, 'home|kitchen', angle, 400, 8);
      }
      observe(posteriors, 'home|outdoor', 'novelty', 400, 8);
      const outdoor = chooseArm(posteriors, 'home|outdoor', ANGLES, SETTINGS, random);
      const kitchen = chooseArm(posteriors, 'home|kitchen', ANGLES, SETTINGS, random);
      assert.ok((outdoor.probabilities.get('value') ?? 0) > 0.9);
      assert.ok((kitchen.probabilities.get('novelty') ?? 0) > 0.9);
    });
  });

  describe('when a bucket has never been seen', () => {
    it('starts from what the arm earned in the other buckets', () => {
      const random = seededRandom(4);
      const posteriors = new BetaPosteriors<Angle>(SETTINGS.priorStrength);
      for (const bucket of ['home|outdoor', 'home|kitchen']) {
        observe(posteriors, bucket, 'value', 300, 90);
        for (const angle of ['interest', 'popularity', 'novelty'] as const)
          observe(posteriors, bucket, angle, 300, 6);
      }
      const fresh = chooseArm(posteriors, 'email|garden', ANGLES, SETTINGS, random);
      assert.ok((fresh.probabilities.get('value') ?? 0) > 0.5);
      const flat = chooseArm(
        new BetaPosteriors<Angle>(0),
        'email|garden',
        ANGLES,
        SETTINGS,
        random,
      );
      assert.ok((flat.probabilities.get('value') ?? 1) < 0.5, 'without pooling it is a guess');
    });
  });

  describe('when the posteriors are sure of one arm', () => {
    const posteriors = new BetaPosteriors<Angle>();
    observe(posteriors, 'b', 'interest', 20_000, 8_000);
    for (const angle of ['value', 'popularity', 'novelty'] as const)
      observe(posteriors, 'b', angle, 20_000, 200);

    it('still gives every other arm the floor', () => {
      const choice = chooseArm(
        posteriors,
        'b',
        ANGLES,
        { ...SETTINGS, minArmProbability: 0.05 },
        seededRandom(5),
      );
      for (const angle of ['value', 'popularity', 'novelty'] as const)
        assert.ok((choice.probabilities.get(angle) ?? 0) >= 0.05 - 1e-12, `${angle} floor`);
      assert.ok(Math.abs((choice.probabilities.get('interest') ?? 0) - 0.85) < 1e-9);
    });

    it('caps the floor at a uniform choice', () => {
      const choice = chooseArm(
        posteriors,
        'b',
        ANGLES,
        { ...SETTINGS, minArmProbability: 0.5 },
        seededRandom(6),
      );
      for (const angle of ANGLES) assert.equal(choice.probabilities.get(angle), 0.25);
    });
  });

  describe('the propensity it logs', () => {
    it('sums to 1 over the arms and is the chosen arm’s probability', () => {
      const random = seededRandom(7);
      const posteriors = new BetaPosteriors<Angle>();
      for (let round = 0; round < 300; round += 1) {
        const arms = ANGLES.slice(0, 1 + (round % ANGLES.length));
        const choice = chooseArm(posteriors, 'b', arms, SETTINGS, random);
        const total = [...choice.probabilities.values()].reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(total - 1) < 1e-9, `round ${round}: sums to ${total}`);
        assert.equal(choice.propensity, choice.probabilities.get(choice.arm));
        assert.ok(arms.includes(choice.arm));
        posteriors.recordImpression('b', choice.arm);
        if (choice.arm === 'popularity' || random() < 0.1)
          posteriors.recordReward('b', choice.arm, 1);
      }
    });

    it('matches how often each arm is chosen', () => {
      const random = seededRandom(8);
      const posteriors = new BetaPosteriors<Angle>();
      observe(posteriors, 'b', 'interest', 40, 8);
      observe(posteriors, 'b', 'value', 40, 6);
      observe(posteriors, 'b', 'popularity', 40, 3);
      observe(posteriors, 'b', 'novelty', 40, 1);
      const rounds = 4000;
      const chosen = new Map<Angle, number>();
      const expected = new Map<Angle, number>();
      for (let round = 0; round < rounds; round += 1) {
        const choice = chooseArm(posteriors, 'b', ANGLES, SETTINGS, random);
        chosen.set(choice.arm, (chosen.get(choice.arm) ?? 0) + 1);
        for (const [arm, p] of choice.probabilities)
          expected.set(arm, (expected.get(arm) ?? 0) + p);
      }
      for (const angle of ANGLES) {
        const observed = (chosen.get(angle) ?? 0) / rounds;
        const logged = (expected.get(angle) ?? 0) / rounds;
        assert.ok(Math.abs(observed - logged) < 0.025, `${angle}: ${observed} vs ${logged}`);
      }
    });
  });

  describe('with the same seed', () => {
    it('makes the same choices', () => {
      const run = (seed: number) => {
        const random = seededRandom(seed);
        const posteriors = new BetaPosteriors<Angle>();
        return Array.from({ length: 50 }, () => {
          const choice = chooseArm(posteriors, 'b', ANGLES, SETTINGS, random);
          posteriors.recordImpression('b', choice.arm);
          if (random() < 0.2) posteriors.recordReward('b', choice.arm, 1);
          return `${choice.arm}:${choice.propensity}`;
        });
      };
      assert.deepEqual(run(9), run(9));
      assert.notDeepEqual(run(9), run(10));
    });
  });

  describe('with bad arguments', () => {
    it('refuses an empty or repeated arm list', () => {
      const posteriors = new BetaPosteriors<Angle>();
      assert.throws(() => chooseArm(posteriors, 'b', [], SETTINGS, seededRandom(1)), /one arm/);
      assert.throws(
        () => chooseArm(posteriors, 'b', ['value', 'value'], SETTINGS, seededRandom(1)),
        /distinct/,
      );
    });

    it('refuses settings out of range, naming the field', () => {
      assert.throws(
        () => checkBanditSettings({ ...SETTINGS, minArmProbability: 0.7 }),
        /minArmProbability/,
      );
      assert.throws(
        () => checkBanditSettings({ ...SETTINGS, propensityDraws: 0 }),
        /propensityDraws/,
      );
      assert.throws(() => checkBanditSettings({ ...SETTINGS, priorStrength: -1 }), /priorStrength/);
      assert.throws(
        () => checkBanditSettings({ ...SETTINGS, shopperPriorStrength: Number.NaN }),
        /shopperPriorStrength/,
      );
    });
  });
});

describe('chooseArm for one shopper', () => {
  const ARMS: readonly Angle[] = ['value', 'novelty'];
  const BUCKET = 'home|outdoor';
  /** A bucket whose shoppers click novelty three times as often as value. */
  function bucket(): BetaPosteriors<Angle> {
    const posteriors = new BetaPosteriors<Angle>();
    observe(posteriors, BUCKET, 'value', 1000, 50);
    observe(posteriors, BUCKET, 'novelty', 1000, 150);
    return posteriors;
  }
  /** Ann's own showings: `value` and `novelty` as [impressions, rewarded]. */
  function ann(value: [number, number], novelty: [number, number]) {
    const shoppers = new ShopperEvidence<Angle>({ maxShoppers: 10, maxBucketsPerShopper: 4 });
    for (const [arm, [shown, rewarded]] of [
      ['value', value],
      ['novelty', novelty],
    ] as const) {
      for (let i = 0; i < shown; i += 1) {
        shoppers.recordImpression('ann', BUCKET, arm);
        if (i < rewarded) shoppers.recordReward('ann', BUCKET, arm, 1);
      }
    }
    return shoppers.evidence('ann', BUCKET);
  }
  const settings = (shopperPriorStrength: number): BanditSettings => ({
    ...SETTINGS,
    shopperPriorStrength,
  });
  const chance = (choice: { probabilities: ReadonlyMap<Angle, number> }, arm: Angle) =>
    choice.probabilities.get(arm) ?? 0;

  describe('when their own showings say they click another arm than their bucket', () => {
    it('chooses their arm for them and the bucket’s for a new shopper', () => {
      const random = seededRandom(5);
      const posteriors = bucket();
      const evidence = ann([40, 20], [40, 0]);
      const hers = chooseArm(posteriors, BUCKET, ARMS, settings(50), random, evidence);
      const newcomer = chooseArm(posteriors, BUCKET, ARMS, settings(50), random, undefined);
      assert.ok(chance(hers, 'value') > 0.9, `value for ann: ${chance(hers, 'value')}`);
      assert.ok(chance(newcomer, 'novelty') > 0.9, 'novelty for a shopper not seen before');
    });

    it('chooses by the bucket alone when the shopper level is off', () => {
      const random = seededRandom(5);
      const choice = chooseArm(bucket(), BUCKET, ARMS, settings(0), random, ann([40, 20], [40, 0]));
      assert.ok(chance(choice, 'novelty') > 0.9);
    });

    it('keeps the floor on every arm, and logs the chosen arm’s own probability', () => {
      const random = seededRandom(6);
      const choice = chooseArm(
        bucket(),
        BUCKET,
        ARMS,
        settings(50),
        random,
        ann([40, 20], [40, 0]),
      );
      for (const arm of ARMS) assert.ok(chance(choice, arm) >= SETTINGS.minArmProbability);
      assert.equal(choice.propensity, chance(choice, choice.arm));
    });
  });

  describe('when they have a click or two of their own', () => {
    it('still chooses as their bucket does: a few clicks of chance do not outweigh it', () => {
      const random = seededRandom(7);
      const choice = chooseArm(bucket(), BUCKET, ARMS, settings(50), random, ann([2, 1], [3, 0]));
      assert.ok(chance(choice, 'novelty') > 0.8, `novelty still: ${chance(choice, 'novelty')}`);
    });
  });

  describe('when the prior strength is lower', () => {
    it('lets fewer of their own showings decide', () => {
      const random = seededRandom(8);
      const evidence = ann([10, 4], [10, 0]);
      const weak = chooseArm(bucket(), BUCKET, ARMS, settings(5), random, evidence);
      const strong = chooseArm(bucket(), BUCKET, ARMS, settings(500), random, evidence);
      assert.ok(chance(weak, 'value') > 0.9, `value at strength 5: ${chance(weak, 'value')}`);
      assert.ok(chance(strong, 'novelty') > 0.9, 'novelty at strength 500');
    });
  });
});

describe('BetaPosteriors', () => {
  it('counts an impression as a trial and its reward fractionally', () => {
    const posteriors = new BetaPosteriors<Angle>(0);
    posteriors.recordImpression('b', 'value');
    posteriors.recordImpression('b', 'value');
    posteriors.recordReward('b', 'value', 0.5);
    posteriors.recordReward('b', 'value', 3);
    assert.deepEqual(posteriors.stats('b', 'value'), { impressions: 2, reward: 1.5 });
    assert.deepEqual(posteriors.posterior('b', 'value'), { alpha: 2.5, beta: 1.5 });
    assert.deepEqual(posteriors.posterior('b', 'novelty'), { alpha: 1, beta: 1 });
  });
});

describe('BetaPosteriors along a context path', () => {
  it('gives a user the bucket’s posterior until their own evidence says otherwise', () => {
    const random = seededRandom(11);
    const posteriors = new BetaPosteriors<Angle>(20);
    observe(posteriors, 'home|outdoor', 'value', 2000, 200);
    for (const angle of ['interest', 'popularity', 'novelty'] as const)
      observe(posteriors, 'home|outdoor', angle, 2000, 40);
    const newcomer = chooseArm(posteriors, ['home|outdoor', 'u-1'], ANGLES, SETTINGS, random);
    assert.ok(
      (newcomer.probabilities.get('value') ?? 0) > 0.7,
      'a newcomer gets the bucket’s best',
    );

    observe(posteriors, ['home|outdoor', 'u-2'], 'value', 200, 0);
    observe(posteriors, ['home|outdoor', 'u-2'], 'novelty', 200, 60);
    const known = chooseArm(posteriors, ['home|outdoor', 'u-2'], ANGLES, SETTINGS, random);
    assert.ok((known.probabilities.get('novelty') ?? 0) > 0.9, 'a user’s own clicks win');
    const bucket = chooseArm(posteriors, 'home|outdoor', ANGLES, SETTINGS, random);
    assert.ok((bucket.probabilities.get('value') ?? 0) > 0.7, 'and do not turn the bucket');
  });
});
