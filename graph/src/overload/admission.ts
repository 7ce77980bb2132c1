import { AimdLimit, type AimdLimitOptions } from './limit.js';

/**
 * Why a request was not admitted: the queue had no room (`queue_full`), the wait it would face
 * there is longer than the queue timeout (`queue_wait`), or it waited that long (`queue_timeout`).
 */
export type ShedReason = 'queue_full' | 'queue_wait' | 'queue_timeout';

/** Settings of {@link Admission}. */
export interface AdmissionOptions extends AimdLimitOptions {
  /** Requests that may wait for a slot; beyond it a request is refused at once. 0: no queue. */
  queueMax: number;
  /** The longest a request waits in the queue before it is refused. */
  queueTimeoutMs: number;
  /** Monotonic milliseconds; tests may drive it. */
  now?: () => number;
}

/** Weight of the newest request in the running mean of how long a request holds its slot. */
const SERVICE_TIME_SMOOTHING = 0.2;

/** A slot held by an admitted request; `release` gives it back (only the first call counts). */
export interface Permit {
  release(): void;
}

/** The outcome of {@link Admission.acquire}. */
export type AdmissionResult =
  | { admitted: true; permit: Permit }
  | { admitted: false; reason: ShedReason }
  /** The caller's signal fired while it waited: nobody is left to answer. */
  | { admitted: false; reason: 'abandoned' };

interface Waiter {
  settle(result: AdmissionResult): void;
}

/**
 * Admission control for one class of requests: at most `limit` run at once, a short FIFO queue
 * waits for a slot, the rest are refused immediately. Saying no early keeps the latency of the
 * requests that are served close to an idle system's, instead of every request waiting its turn
 * in an unbounded queue (where, under overload, all of them become too slow to be useful).
 */
export class Admission {
  readonly #limit: AimdLimit;
  readonly #queue: Waiter[] = [];
  readonly #now: () => number;
  #inflight = 0;
  /** Running mean of how long an admitted request held its slot; unknown before the first. */
  #serviceMs: number | undefined;

  constructor(private readonly options: AdmissionOptions) {
    this.#limit = new AimdLimit(options);
    this.#now = options.now ?? (() => performance.now());
  }

  /** The current concurrency limit. */
  get limit(): number {
    return this.#limit.current;
  }

  get inflight(): number {
    return this.#inflight;
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** Why a request arriving now would be refused at once (no slot, no room or time to wait). */
  get refusing(): ShedReason | undefined {
    return this.#inflight >= this.#limit.current ? this.#refusal() : undefined;
  }

  /**
   * Why a request that finds no free slot is refused before it queues, if it is. Besides a full
   * queue, a queue that already holds more waiting than the timeout: each place ahead costs
   * about one slot's service time divided by the slots, so a request that would time out is
   * told so now, at the cost of a refusal, not after waiting out the timeout for nothing.
   */
  #refusal(): ShedReason | undefined {
    if (this.#queue.length >= this.options.queueMax) return 'queue_full';
    if (this.#serviceMs === undefined) return undefined;
    const expectedWaitMs = ((this.#queue.length + 1) * this.#serviceMs) / this.#limit.current;
    return expectedWaitMs > this.options.queueTimeoutMs ? 'queue_wait' : undefined;
  }

  /** Admits now, queues, or refuses; `signal` withdraws a queued request (client gone). */
  acquire(signal?: AbortSignal): AdmissionResult | Promise<AdmissionResult> {
    if (signal?.aborted === true) return { admitted: false, reason: 'abandoned' };
    if (this.#inflight < this.#limit.current && this.#queue.length === 0) return this.#admit();
    const refusal = this.#refusal();
    if (refusal !== undefined) return { admitted: false, reason: refusal };
    return new Promise<AdmissionResult>((resolve) => {
      const waiter: Waiter = {
        settle: (result) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(result);
        },
      };
      const leave = (reason: ShedReason | 'abandoned'): void => {
        const index = this.#queue.indexOf(waiter);
        if (index === -1) return;
        this.#queue.splice(index, 1);
        waiter.settle({ admitted: false, reason });
      };
      const onAbort = (): void => leave('abandoned');
      const timer = setTimeout(() => leave('queue_timeout'), this.options.queueTimeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  #admit(): AdmissionResult {
    this.#inflight += 1;
    const startedAt = this.#now();
    let released = false;
    return {
      admitted: true,
      permit: {
        release: () => {
          if (released) return;
          released = true;
          const heldMs = this.#now() - startedAt;
          this.#serviceMs =
            this.#serviceMs === undefined
              ? heldMs
              : this.#serviceMs + SERVICE_TIME_SMOOTHING * (heldMs - this.#serviceMs);
          this.#limit.onSample(heldMs, this.#inflight);
          this.#inflight -= 1;
          this.#drain();
        },
      },
    };
  }

  #drain(): void {
    while (this.#queue.length > 0 && this.#inflight < this.#limit.current) {
      const next = this.#queue.shift();
      next?.settle(this.#admit());
    }
  }
}
