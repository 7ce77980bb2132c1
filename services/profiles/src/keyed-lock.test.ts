import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { KeyedLock } from './keyed-lock.js';

/** A promise the test resolves when it chooses. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('KeyedLock', () => {
  describe('when two tasks share a key', () => {
    it('runs the second only after the first ends', async () => {
      const lock = new KeyedLock();
      const order: string[] = [];
      const first = gate();
      const a = lock.run(['u1'], async () => {
        order.push('a start');
        await first.opened;
        order.push('a end');
      });
      const b = lock.run(['u1'], async () => {
        order.push('b');
      });
      await Promise.resolve();
      first.open();
      await Promise.all([a, b]);
      assert.deepEqual(order, ['a start', 'a end', 'b']);
      assert.equal(lock.size, 0);
    });

    it('releases the key when a task throws', async () => {
      const lock = new KeyedLock();
      await assert.rejects(
        lock.run(['u1'], () => Promise.reject(new Error('boom'))),
        /boom/,
      );
      assert.equal(await lock.run(['u1'], async () => 'next'), 'next');
      assert.equal(lock.size, 0);
    });
  });

  describe('when tasks hold different keys', () => {
    it('lets them overlap', async () => {
      const lock = new KeyedLock();
      const first = gate();
      const a = lock.run(['u1'], () => first.opened);
      const b = await lock.run(['u2'], async () => 'ran while u1 was held');
      assert.equal(b, 'ran while u1 was held');
      first.open();
      await a;
    });
  });

  describe('when tasks take overlapping key sets in opposite orders', () => {
    it('does not deadlock', async () => {
      const lock = new KeyedLock();
      const results = await Promise.all([
        lock.run(['u1', 'u2'], async () => 1),
        lock.run(['u2', 'u1'], async () => 2),
        lock.run(['u2', 'u2', 'u3'], async () => 3),
      ]);
      assert.deepEqual(results, [1, 2, 3]);
      assert.equal(lock.size, 0);
    });
  });
});
