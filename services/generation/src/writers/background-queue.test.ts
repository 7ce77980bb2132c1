import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BackgroundQueue } from './background-queue.js';

/** A job that finishes when the test says so. */
function gate(): { run: () => Promise<string>; open: (value: string) => void } {
  let open: (value: string) => void = () => {};
  const done = new Promise<string>((resolve) => {
    open = resolve;
  });
  return { run: () => done, open };
}

describe('BackgroundQueue', () => {
  describe('when more jobs come than run at once', () => {
    it('queues up to the limit, refuses the rest, and runs the queued ones as slots free', async () => {
      const queue = new BackgroundQueue<string>({ concurrency: 1, maxQueued: 1 });
      const a = gate();
      const b = gate();
      const first = queue.submit('a', a.run);
      const second = queue.submit('b', b.run);
      assert.ok(first !== undefined && second !== undefined);
      assert.equal(
        queue.submit('c', () => Promise.resolve('c')),
        undefined,
      );
      assert.deepEqual([queue.active, queue.queued], [1, 1]);
      a.open('A');
      assert.equal(await first, 'A');
      b.open('B');
      assert.equal(await second, 'B');
      assert.deepEqual([queue.active, queue.queued], [0, 0]);
    });
  });

  describe('when a key is submitted while its job is in flight', () => {
    it('shares the job instead of starting another', async () => {
      const queue = new BackgroundQueue<string>({ concurrency: 2, maxQueued: 0 });
      const a = gate();
      let runs = 0;
      const first = queue.submit('a', () => {
        runs += 1;
        return a.run();
      });
      assert.equal(queue.pending('a'), first);
      assert.equal(
        queue.submit('a', () => Promise.resolve('again')),
        first,
      );
      a.open('A');
      assert.equal(await first, 'A');
      assert.equal(runs, 1);
      assert.equal(queue.pending('a'), undefined);
    });
  });

  describe('when closed', () => {
    it('rejects what waits and takes no more work', async () => {
      const queue = new BackgroundQueue<string>({ concurrency: 1, maxQueued: 1 });
      const a = gate();
      const running = queue.submit('a', a.run);
      const waiting = queue.submit('b', () => Promise.resolve('B'));
      queue.close();
      await assert.rejects(waiting ?? Promise.resolve(), /closed/);
      assert.equal(
        queue.submit('c', () => Promise.resolve('C')),
        undefined,
      );
      a.open('A');
      assert.equal(await running, 'A');
    });
  });

  describe('when the bounds are not whole numbers', () => {
    it('refuses them', () => {
      assert.throws(() => new BackgroundQueue({ concurrency: 0, maxQueued: 1 }), /concurrency/);
      assert.throws(() => new BackgroundQueue({ concurrency: 1, maxQueued: -1 }), /maxQueued/);
    });
  });
});
