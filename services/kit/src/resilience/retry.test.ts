import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { backoffDelayMs, MAX_TIMER_DELAY_MS, retry, type RetryOptions } from './retry.js';

class Transient extends Error {}

/** Work that fails with the given errors in turn, then resolves with the attempt it got to. */
function failing(...errors: Error[]): {
  work: (attempt: number) => Promise<number>;
  calls: number[];
} {
  const calls: number[] = [];
  return {
    calls,
    work: async (attempt) => {
      calls.push(attempt);
      const err = errors.shift();
      if (err !== undefined) throw err;
      return attempt;
    },
  };
}

/** A sleep that records what it was asked to wait and returns at once: no real time passes. */
function recordingSleep(): { sleep: NonNullable<RetryOptions['sleep']>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms) => {
      waits.push(ms);
    },
  };
}

describe('retry', () => {
  describe('when the first attempt succeeds', () => {
    it('returns its value without waiting', async () => {
      const { work, calls } = failing();
      const { sleep, waits } = recordingSleep();
      assert.equal(await retry(work, { attempts: 3, initialDelayMs: 100, sleep }), 1);
      assert.deepEqual(calls, [1]);
      assert.deepEqual(waits, []);
    });
  });

  describe('when attempts fail with retriable errors', () => {
    it('waits the first delay doubled per retry, capped, and returns the later success', async () => {
      const { work, calls } = failing(new Transient('a'), new Transient('b'), new Transient('c'));
      const { sleep, waits } = recordingSleep();
      const told: unknown[] = [];
      const value = await retry(work, {
        attempts: 5,
        initialDelayMs: 100,
        maxDelayMs: 300,
        sleep,
        onRetry: ({ err, attempt, delayMs }) => {
          told.push([(err as Error).message, attempt, delayMs]);
        },
      });
      assert.equal(value, 4);
      assert.deepEqual(calls, [1, 2, 3, 4]);
      assert.deepEqual(waits, [100, 200, 300]);
      assert.deepEqual(told, [
        ['a', 1, 100],
        ['b', 2, 200],
        ['c', 3, 300],
      ]);
    });

    it('throws the last failure once the attempts are used up', async () => {
      const last = new Transient('third');
      const { work, calls } = failing(new Transient('first'), new Transient('second'), last);
      const { sleep, waits } = recordingSleep();
      await assert.rejects(retry(work, { attempts: 3, initialDelayMs: 10, sleep }), last);
      assert.deepEqual(calls, [1, 2, 3]);
      assert.deepEqual(waits, [10, 20]);
    });
  });

  describe('when a failure is not retriable', () => {
    it('throws it at once', async () => {
      const fatal = new Error('bad request');
      const { work, calls } = failing(new Transient('blip'), fatal);
      const { sleep, waits } = recordingSleep();
      await assert.rejects(
        retry(work, {
          attempts: 5,
          initialDelayMs: 10,
          sleep,
          retriable: (err) => err instanceof Transient,
        }),
        fatal,
      );
      assert.deepEqual(calls, [1, 2]);
      assert.deepEqual(waits, [10]);
    });
  });

  describe('when a failure names its own wait', () => {
    it('waits that long and uses up no attempt, even for a failure that is not retriable', async () => {
      const { work, calls } = failing(new Error('slow down'), new Transient('blip'));
      const { sleep, waits } = recordingSleep();
      const value = await retry(work, {
        attempts: 2,
        initialDelayMs: 10,
        sleep,
        retriable: (err) => err instanceof Transient,
        retryAfterMs: (err) => ((err as Error).message === 'slow down' ? 5_000 : undefined),
      });
      assert.equal(value, 2);
      assert.deepEqual(calls, [1, 1, 2]);
      assert.deepEqual(waits, [5_000, 10]);
    });
  });

  describe('when onRetry throws', () => {
    it('ends the retries with what it threw, before waiting', async () => {
      const { work, calls } = failing(new Transient('blip'));
      const { sleep, waits } = recordingSleep();
      const budget = new Error('budget exhausted');
      await assert.rejects(
        retry(work, {
          attempts: 5,
          initialDelayMs: 10,
          sleep,
          onRetry: () => {
            throw budget;
          },
        }),
        budget,
      );
      assert.deepEqual(calls, [1]);
      assert.deepEqual(waits, []);
    });
  });

  describe('when the signal aborts', () => {
    it('starts no further attempt and throws the reason', async () => {
      const controller = new AbortController();
      const reason = new Error('shutting down');
      const { work, calls } = failing(new Transient('a'), new Transient('b'));
      await assert.rejects(
        retry(work, {
          attempts: Infinity,
          initialDelayMs: 10,
          signal: controller.signal,
          sleep: async () => controller.abort(reason),
        }),
        reason,
      );
      assert.deepEqual(calls, [1]);
    });

    it('ends the wait of the default sleep', async () => {
      const controller = new AbortController();
      const reason = new Error('shutting down');
      const { work, calls } = failing(new Transient('a'));
      const retried = retry(work, {
        attempts: 2,
        // Far longer than any test run: only the abort can end this wait.
        initialDelayMs: MAX_TIMER_DELAY_MS,
        signal: controller.signal,
        onRetry: () => {
          setImmediate(() => controller.abort(reason));
        },
      });
      await assert.rejects(retried, reason);
      assert.deepEqual(calls, [1]);
    });

    it('attempts nothing when it aborted before the start', async () => {
      const { work, calls } = failing();
      await assert.rejects(
        retry(work, { attempts: 3, initialDelayMs: 10, signal: AbortSignal.abort() }),
        { name: 'AbortError' },
      );
      assert.deepEqual(calls, []);
    });
  });

  describe('when an option is out of range', () => {
    for (const [name, options] of [
      ['attempts', { attempts: 0, initialDelayMs: 10 }],
      ['attempts', { attempts: 1.5, initialDelayMs: 10 }],
      ['initialDelayMs', { attempts: 3, initialDelayMs: -1 }],
      ['maxDelayMs', { attempts: 3, initialDelayMs: 10, maxDelayMs: -1 }],
      ['maxDelayMs', { attempts: 3, initialDelayMs: 10, maxDelayMs: Number.NaN }],
    ] as const) {
      it(`refuses ${name} ${JSON.stringify(options)} naming it`, async () => {
        const { work, calls } = failing();
        await assert.rejects(retry(work, options), new RegExp(`^RangeError: ${name}`));
        assert.deepEqual(calls, []);
      });
    }
  });
});

describe('backoffDelayMs', () => {
  it('doubles the first delay per retry up to the cap', () => {
    const delays = [1, 2, 3, 4, 5].map((n) =>
      backoffDelayMs(n, { initialDelayMs: 500, maxDelayMs: 5_000 }),
    );
    assert.deepEqual(delays, [500, 1_000, 2_000, 4_000, 5_000]);
  });

  it('keeps to the cap when it is below the first delay', () => {
    assert.equal(backoffDelayMs(1, { initialDelayMs: 60_000, maxDelayMs: 10_000 }), 10_000);
  });

  it('stays finite and capped after very many retries, and at 0 for a first delay of 0', () => {
    assert.equal(backoffDelayMs(10_000, { initialDelayMs: 100 }), MAX_TIMER_DELAY_MS);
    assert.equal(backoffDelayMs(10_000, { initialDelayMs: 100, maxDelayMs: 30_000 }), 30_000);
    assert.equal(backoffDelayMs(10_000, { initialDelayMs: 0 }), 0);
  });

  it('with equal jitter waits between half the delay and all of it', () => {
    const options = { initialDelayMs: 1_000, jitter: 'equal' } as const;
    assert.equal(
      backoffDelayMs(2, options, () => 0),
      1_000,
    );
    assert.equal(
      backoffDelayMs(2, options, () => 0.5),
      1_500,
    );
    assert.equal(
      backoffDelayMs(2, options, () => 0.999_999),
      2_000,
    );
  });
});
