import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { waitFor } from '@tailor/kit/testing';

import { ConcurrencyLimiter, SlotTimeoutError } from './concurrency-limiter.js';

function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('ConcurrencyLimiter', () => {
  describe('when more tasks arrive than it allows', () => {
    it('runs at most the limit at once and the rest in order', async () => {
      const limiter = new ConcurrencyLimiter(2);
      const gates = [gate(), gate(), gate()];
      const started: number[] = [];
      const runs = gates.map((g, i) =>
        limiter.run(async () => {
          started.push(i);
          await g.promise;
          return i;
        }),
      );
      await waitFor(() => started.length === 2);
      assert.deepEqual(started, [0, 1]);
      assert.equal(limiter.queued, 1);
      gates[0]?.open();
      assert.equal(await runs[0], 0);
      await waitFor(() => started.length === 3);
      assert.deepEqual(started, [0, 1, 2]);
      gates[1]?.open();
      gates[2]?.open();
      assert.deepEqual(await Promise.all(runs), [0, 1, 2]);
      assert.equal(limiter.active, 0);
    });
  });

  describe('when the deadline passes while waiting', () => {
    it('gives up with SlotTimeoutError and leaves the queue', async () => {
      const limiter = new ConcurrencyLimiter(1);
      const busy = gate();
      const first = limiter.run(() => busy.promise);
      await assert.rejects(
        limiter.run(async () => 'never', Date.now()),
        SlotTimeoutError,
      );
      assert.equal(limiter.queued, 0);
      busy.open();
      await first;
      assert.equal(await limiter.run(async () => 'free again'), 'free again');
    });
  });

  describe('when a task fails', () => {
    it('frees its slot', async () => {
      const limiter = new ConcurrencyLimiter(1);
      await assert.rejects(
        limiter.run(async () => Promise.reject(new Error('boom'))),
        /boom/,
      );
      assert.equal(limiter.active, 0);
    });
  });
});
