import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { Angle } from './angles.js';
import { ShopperEvidence } from './shoppers.js';

function evidence(maxShoppers = 3, maxBucketsPerShopper = 2) {
  return new ShopperEvidence<Angle>({ maxShoppers, maxBucketsPerShopper });
}

describe('ShopperEvidence', () => {
  describe('when a shopper is shown angles and rewarded', () => {
    it('keeps their counts per bucket and angle, apart from other shoppers', () => {
      const shoppers = evidence();
      shoppers.recordImpression('ann', 'home|outdoor', 'value');
      shoppers.recordImpression('ann', 'home|outdoor', 'value');
      shoppers.recordReward('ann', 'home|outdoor', 'value', 0.5);
      shoppers.recordImpression('ann', 'email|outdoor', 'novelty');
      shoppers.recordImpression('bob', 'home|outdoor', 'interest');
      assert.deepEqual(
        [...shoppers.evidence('ann', 'home|outdoor')!],
        [['value', { impressions: 2, reward: 0.5 }]],
      );
      assert.deepEqual(
        [...shoppers.evidence('ann', 'email|outdoor')!],
        [['novelty', { impressions: 1, reward: 0 }]],
      );
      assert.deepEqual(
        [...shoppers.evidence('bob', 'home|outdoor')!],
        [['interest', { impressions: 1, reward: 0 }]],
      );
      assert.equal(shoppers.evidence('cid', 'home|outdoor'), undefined);
    });

    it('clamps a reward to one per impression', () => {
      const shoppers = evidence();
      shoppers.recordImpression('ann', 'b', 'value');
      shoppers.recordReward('ann', 'b', 'value', 3);
      shoppers.recordReward('ann', 'b', 'value', 1);
      assert.deepEqual(shoppers.evidence('ann', 'b')?.get('value'), { impressions: 1, reward: 1 });
    });

    it('credits nothing to an angle it holds no impression of', () => {
      const shoppers = evidence();
      shoppers.recordReward('ann', 'b', 'value', 1);
      shoppers.recordImpression('bob', 'b', 'value');
      shoppers.recordReward('bob', 'b', 'novelty', 1);
      assert.equal(shoppers.evidence('ann', 'b'), undefined);
      assert.equal(shoppers.evidence('bob', 'b')?.get('novelty'), undefined);
    });
  });

  describe('when more shoppers come than it holds', () => {
    it('drops the one updated longest ago, not the one read longest ago', () => {
      const shoppers = evidence(2);
      shoppers.recordImpression('ann', 'b', 'value');
      shoppers.recordImpression('bob', 'b', 'value');
      // Read, not updated: ann stays the oldest.
      assert.ok(shoppers.evidence('ann', 'b') !== undefined);
      shoppers.recordImpression('cid', 'b', 'value');
      assert.deepEqual([...shoppers.held()].sort(), ['bob', 'cid']);
      shoppers.recordReward('bob', 'b', 'value', 1);
      shoppers.recordImpression('dan', 'b', 'value');
      assert.deepEqual([...shoppers.held()].sort(), ['bob', 'dan']);
      assert.equal(shoppers.size, 2);
    });

    it('holds nobody at a limit of 0', () => {
      const shoppers = evidence(0);
      shoppers.recordImpression('ann', 'b', 'value');
      assert.equal(shoppers.size, 0);
      assert.equal(shoppers.evidence('ann', 'b'), undefined);
    });
  });

  describe('when a shopper moves through more buckets than it holds for one', () => {
    it('drops their bucket updated longest ago', () => {
      const shoppers = evidence(3, 2);
      shoppers.recordImpression('ann', 'one', 'value');
      shoppers.recordImpression('ann', 'two', 'value');
      shoppers.recordImpression('ann', 'one', 'value');
      shoppers.recordImpression('ann', 'three', 'value');
      assert.equal(shoppers.evidence('ann', 'two'), undefined);
      assert.equal(shoppers.evidence('ann', 'one')?.get('value')?.impressions, 2);
      assert.equal(shoppers.evidence('ann', 'three')?.get('value')?.impressions, 1);
    });
  });

  describe('when a shopper is forgotten', () => {
    it('holds nothing of them, and counts them afresh if they come back', () => {
      const shoppers = evidence();
      shoppers.recordImpression('ann', 'b', 'value');
      shoppers.recordReward('ann', 'b', 'value', 1);
      shoppers.recordImpression('bob', 'b', 'value');
      assert.equal(shoppers.forget('ann'), true);
      assert.equal(shoppers.forget('ann'), false);
      assert.equal(shoppers.evidence('ann', 'b'), undefined);
      assert.deepEqual([...shoppers.held()], ['bob']);
      shoppers.recordImpression('ann', 'b', 'value');
      assert.deepEqual(shoppers.evidence('ann', 'b')?.get('value'), { impressions: 1, reward: 0 });
    });
  });

  it('refuses limits that are not whole numbers, naming the field', () => {
    assert.throws(() => evidence(-1), /maxShoppers/);
    assert.throws(() => evidence(2.5), /maxShoppers/);
    assert.throws(() => evidence(3, 0), /maxBucketsPerShopper/);
  });
});
