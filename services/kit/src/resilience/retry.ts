import { setTimeout as sleepFor } from 'node:timers/promises';

import type { RandomSource } from '../random.js';

/**
 * The longest wait a Node timer keeps: a longer one fires after 1 ms instead, so an uncapped
 * backoff would turn into a tight loop. The default sleep waits no longer than this.
 */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

/** How the waits between attempts grow. */
export interface BackoffOptions {
  /** Wait before the first retry; doubled for each further one. */
  initialDelayMs: number;
  /** Longest wait, even below the first; {@link MAX_TIMER_DELAY_MS} when absent. */
  maxDelayMs?: number | undefined;
  /**
   * `none` waits the delay exactly. `equal` waits a random time between half of it and all of
   * it, so many clients that failed together do not all come back at the same instant.
   */
  jitter?: 'none' | 'equal' | undefined;
}

/** Options of {@link retry}. */
export interface RetryOptions extends BackoffOptions {
  /** Most attempts, the first included; `Infinity` retries until success, refusal or abort. */
  attempts: number;
  /** Whether a failure is worth another attempt; every failure when absent. */
  retriable?: ((err: unknown) => boolean) | undefined;
  /**
   * A wait the failure itself calls for, in place of the backoff (a server's Retry-After, or
   * 0 for a fault the caller just put right); such a retry uses up no attempt and is made even
   * when the failure is not retriable. `undefined` takes the backoff. The caller bounds how
   * often it answers with a number.
   */
  retryAfterMs?: ((err: unknown) => number | undefined) | undefined;
  /**
   * Told of each backoff before its wait (to log it, or to throw when the wait would outlast a
   * deadline: what it throws ends the retries).
   */
  onRetry?: ((retry: FailedAttempt) => void | Promise<void>) | undefined;
  /** Ends the retries: no attempt starts and no wait goes on once it aborts. */
  signal?: AbortSignal | undefined;
  /**
   * Waits `ms`, ending early when `signal` aborts; a timer when absent. Callers that must keep
   * doing something while they wait (heartbeats), and tests, pass their own.
   */
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  /** Source of the jitter; `Math.random` when absent. */
  random?: RandomSource | undefined;
}

/** One failed attempt that a backoff follows. */
export interface FailedAttempt {
  err: unknown;
  /** The attempt that failed, 1 for the first. */
  attempt: number;
  /** How long the wait before the next attempt is. */
  delayMs: number;
}

/**
 * The wait before retry number `retryNumber` (1 for the first retry): `initialDelayMs` doubled
 * per retry, capped at `maxDelayMs`, then jittered.
 */
export function backoffDelayMs(
  retryNumber: number,
  options: BackoffOptions,
  random: RandomSource = Math.random,
): number {
  const max = options.maxDelayMs ?? MAX_TIMER_DELAY_MS;
  // The exponent stops growing long before 2 ** n overflows, which would make 0 * 2 ** n NaN.
  const base = Math.min(max, options.initialDelayMs * 2 ** Math.min(retryNumber - 1, 64));
  return options.jitter === 'equal' ? Math.round(base * (0.5 + random() / 2)) : base;
}

/**
 * Runs `work` until it resolves, retrying failures with exponential backoff: at most
 * `attempts` attempts, only failures `retriable` accepts, no attempt after `signal` aborts
 * (the abort's reason is thrown then). A failure that is not retried is thrown as it is, the
 * last attempt's included. `work` is told which attempt it is (1 for the first).
 */
export async function retry<T>(
  work: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  checkOptions(options);
  const { signal } = options;
  const sleep = options.sleep ?? abortableSleep;
  for (let attempt = 1; ;) {
    signal?.throwIfAborted();
    try {
      return await work(attempt);
    } catch (err) {
      signal?.throwIfAborted();
      const askedMs = options.retryAfterMs?.(err);
      if (askedMs !== undefined) {
        await sleep(askedMs, signal);
        continue;
      }
      if (attempt >= options.attempts || !(options.retriable?.(err) ?? true)) throw err;
      const delayMs = backoffDelayMs(attempt, options, options.random);
      await options.onRetry?.({ err, attempt, delayMs });
      await sleep(delayMs, signal);
      attempt += 1;
    }
  }
}

async function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return;
  try {
    const capped = Math.min(ms, MAX_TIMER_DELAY_MS);
    await sleepFor(capped, undefined, signal === undefined ? undefined : { signal });
  } catch (err) {
    signal?.throwIfAborted();
    throw err;
  }
}

function checkOptions(options: RetryOptions): void {
  const { attempts, initialDelayMs, maxDelayMs } = options;
  if (!(attempts === Infinity || (Number.isInteger(attempts) && attempts >= 1))) {
    throw new RangeError(
      `attempts must be a whole number of at least 1, or Infinity (${attempts})`,
    );
  }
  if (!(Number.isFinite(initialDelayMs) && initialDelayMs >= 0)) {
    throw new RangeError(
      `initialDelayMs must be a finite number of at least 0 (${initialDelayMs})`,
    );
  }
  // A cap below the first delay is still a cap: every wait is the cap then.
  if (maxDelayMs !== undefined && !(maxDelayMs >= 0)) {
    throw new RangeError(`maxDelayMs must be a number of at least 0 (${maxDelayMs})`);
  }
}
