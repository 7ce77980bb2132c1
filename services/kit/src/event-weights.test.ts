import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DEFAULT_EVENT_WEIGHTS, eventWeight } from './event-weights.js';

const w = (type: Parameters<typeof eventWeight>[0]['type'], value?: number) =>
  eventWeight(value === undefined ? { type } : { type, value }, DEFAULT_EVENT_WEIGHTS);

describe('eventWeight', () => {
  describe('when the type has a flat weight', () => {
    it('gives the documented defaults', () => {
      assert.deepEqual(
        {
          view: w('view'),
          click: w('click'),
          add_to_cart: w('add_to_cart'),
          share: w('share'),
          like: w('like'),
          purchase: w('purchase'),
          dislike: w('dislike'),
          skip: w('skip'),
        },
        {
          view: 1,
          click: 1.5,
          add_to_cart: 3,
          share: 3,
          like: 4,
          purchase: 5,
          dislike: -4,
          skip: -1,
        },
      );
    });

    it('uses the configured weights', () => {
      assert.equal(eventWeight({ type: 'like' }, { ...DEFAULT_EVENT_WEIGHTS, like: 7 }), 7);
    });

    it('ignores a value', () => {
      assert.equal(w('purchase', 99), 5);
    });
  });

  describe('when the event is a rating', () => {
    it('gives (stars − 3) × 2: 5★ +4, 4★ +2, 3★ 0, 1★ −4, 0★ −6', () => {
      assert.deepEqual(
        [5, 4, 3, 1, 0].map((stars) => w('rating', stars)),
        [4, 2, 0, -4, -6],
      );
    });

    it('gives 0 without a value', () => {
      assert.equal(w('rating'), 0);
    });
  });

  describe('when the event is a dwell', () => {
    it('gives seconds / 30', () => {
      assert.equal(w('dwell', 15), 0.5);
      assert.equal(w('dwell', 30), 1);
    });

    it('caps at 2', () => {
      assert.equal(w('dwell', 60), 2);
      assert.equal(w('dwell', 86_400), 2);
    });

    it('gives 0 for no time, a negative time or no value', () => {
      assert.equal(w('dwell', 0), 0);
      assert.equal(w('dwell', -10), 0);
      assert.equal(w('dwell'), 0);
    });
  });

  describe('when the event is an impression', () => {
    it('gives 0', () => {
      assert.equal(w('impression'), 0);
    });
  });
});
