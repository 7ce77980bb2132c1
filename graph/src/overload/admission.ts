import { AimdLimit, type AimdLimitOptions } from './limit.js';

/** Why a request was not admitted. */
export type ShedReason = 'queue_full' | 'queue_timeout';

/** Settings of {@link Admission}. */
export interface AdmissionOptions extends AimdLimitOptions {
  /** Requests that may wait for a slot; beyond it a request is refused at once. 0: no queue. */
  queueMax: number;
  /** The longest a request waits in the queue before it is refused. */
  queueTimeoutMs: number;
}

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
  #inflight = 0;

  constructor(private readonly options: AdmissionOptions) {
    this.#limit = new AimdLimit(options);
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

  /** Whether a request arriving now would be refused at once (no slot, queue full). */
  get full(): boolean {
    return this.#inflight >= this.#limit.current && this.#queue.length >= this.options.queueMax;
  }

  /** Admits now, queues, or refuses; `signal` withdraws a queued request (client gone). */
  acquire(signal?: AbortSignal): AdmissionResult | Promise<AdmissionResult> {
    if (signal?.aborted === true) return { admitted: false, reason: 'abandoned' };
    if (this.#inflight < this.#limit.current && this.#queue.length === 0) return this.#admit();
    if (this.#queue.length >= this.options.queueMax)
      return { admitted: false, reason: 'queue_full' };
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
    const startedAt = performance.now();
    let released = false;
    return {
      admitted: true,
      permit: {
        release: () => {
          if (released) return;
          released = true;
          this.#limit.onSample(performance.now() - startedAt, this.#inflight);
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
