import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type Rating, splitByUser, splitHistoryForValidation } from './split.js';

const r = (userId: string, itemId: string, rating: number, timestamp: number): Rating => ({
  userId,
  itemId,
  rating,
  timestamp,
});

describe('splitByUser', () => {
  describe('when a user has ten positives among other ratings', () => {
    const ratings = [
      ...Array.from({ length: 10 }, (_, i) => r('1', String(100 + i), 5, 1_000 + i * 10)),
      r('1', '200', 2, 1_075),
      r('1', '201', 1, 1_095),
    ];
    const [split] = splitByUser(ratings);

    it('holds out the two newest positives', () => {
      assert.deepEqual(split?.test, ['108', '109']);
    });

    it('keeps every rating before the first held-out one as history, in time order', () => {
      assert.deepEqual(
        split?.history.map((h) => h.itemId),
        ['100', '101', '102', '103', '104', '105', '106', '107', '200'],
      );
    });

    it('drops a negative rated after the split point', () => {
      assert.ok(!split?.history.some((h) => h.itemId === '201'));
    });
  });

  describe('when a user has a single positive', () => {
    it('tests on it and keeps what came before', () => {
      const [split] = splitByUser([r('7', '1', 2, 10), r('7', '2', 4, 20)]);
      assert.deepEqual(split?.test, ['2']);
      assert.deepEqual(
        split?.history.map((h) => h.itemId),
        ['1'],
      );
    });
  });

  describe('when ratings share a timestamp or come unsorted', () => {
    it('orders them by time, then by numeric item id', () => {
      const [split] = splitByUser([
        r('1', '10', 4, 5),
        r('1', '9', 4, 5),
        r('1', '2', 3, 1),
        r('1', '1', 4, 9),
        r('1', '3', 4, 9),
      ]);
      assert.deepEqual(split?.test, ['3']);
      assert.deepEqual(
        split?.history.map((h) => h.itemId),
        ['2', '9', '10', '1'],
      );
    });
  });

  describe('when users are given', () => {
    it('leaves out users without positives and returns the rest by numeric id', () => {
      const splits = splitByUser([r('10', '1', 5, 1), r('9', '1', 2, 1), r('2', '1', 4, 1)]);
      assert.deepEqual(
        splits.map((s) => s.userId),
        ['2', '10'],
      );
    });
  });
});

describe('splitHistoryForValidation', () => {
  describe('when the history is split again for tuning', () => {
    const ratings = Array.from({ length: 10 }, (_, i) => r('1', String(100 + i), 5, 1_000 + i));
    const splits = splitByUser(ratings);
    const [validation] = splitHistoryForValidation(splits);

    it('never holds out or keeps a test item', () => {
      const seen = [
        ...(validation?.test ?? []),
        ...(validation?.history ?? []).map((h) => h.itemId),
      ];
      assert.ok(!seen.some((id) => splits[0]?.test.includes(id)));
    });

    it('holds out the newest history positives', () => {
      assert.deepEqual(validation?.test, ['106', '107']);
    });
  });
});
