import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { checkRewardWeights, DEFAULT_REWARD_WEIGHTS, impressionReward } from './rewards.js';

describe('impressionReward', () => {
  it('is the best attributed event, capped at 1', () => {
    assert.equal(impressionReward(['click', 'purchase'], DEFAULT_REWARD_WEIGHTS), 1);
    assert.equal(impressionReward(['click'], DEFAULT_REWARD_WEIGHTS), 0.5);
    assert.equal(impressionReward(['click', 'like'], { click: 0.9, like: 0.9 }), 0.9);
  });

  it('is 0 for events that earn nothing', () => {
    assert.equal(impressionReward(['view', 'dislike', 'skip'], DEFAULT_REWARD_WEIGHTS), 0);
    assert.equal(impressionReward([], DEFAULT_REWARD_WEIGHTS), 0);
  });
});

describe('checkRewardWeights', () => {
  it('names the event type whose weight is out of range', () => {
    assert.throws(() => checkRewardWeights({ click: 1.5 }), /click/);
    assert.throws(() => checkRewardWeights({ purchase: -0.1 }), /purchase/);
    assert.deepEqual(checkRewardWeights({ click: 0.2 }), { click: 0.2 });
  });
});
