/** Options of {@link BackgroundQueue}. */
export interface BackgroundQueueOptions {
  /** Jobs running at once. */
  concurrency: number;
  /** Jobs waiting for a free slot; past it {@link BackgroundQueue.submit} drops new work. */
  maxQueued: number;
}

interface Job<T> {
  key: string;
  run: () => Promise<T>;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

/**
 * Runs keyed jobs in the background: at most `concurrency` at once, at most `maxQueued` waiting
 * in order, one job per key (a second submit for a key in flight gets the same promise). A job
 * outlives the request that submitted it, so a slow model still finishes an answer that a later
 * request can be served. When the queue is full new work is refused, never queued without bound.
 */
export class BackgroundQueue<T> {
  private running = 0;
  private closed = false;
  private readonly waiting: Job<T>[] = [];
  private readonly inFlight = new Map<string, Promise<T>>();

  constructor(private readonly options: BackgroundQueueOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
      throw new RangeError(`concurrency must be a whole number ≥ 1, got ${options.concurrency}`);
    if (!Number.isInteger(options.maxQueued) || options.maxQueued < 0)
      throw new RangeError(`maxQueued must be a whole number ≥ 0, got ${options.maxQueued}`);
  }

  /** Jobs running now. */
  get active(): number {
    return this.running;
  }

  /** Jobs waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** The promise of the job for `key` while it waits or runs; undefined otherwise. */
  pending(key: string): Promise<T> | undefined {
    return this.inFlight.get(key);
  }

  /**
   * The job for `key`: the one in flight, or `run` started now or queued. Undefined when the
   * queue is full or the queue is closed: the work is dropped and the caller answers without it.
   */
  submit(key: string, run: () => Promise<T>): Promise<T> | undefined {
    const existing = this.inFlight.get(key);
    if (existing !== undefined) return existing;
    if (this.closed) return undefined;
    const free = this.running < this.options.concurrency;
    if (!free && this.waiting.length >= this.options.maxQueued) return undefined;
    let job: Job<T> | undefined;
    const promise = new Promise<T>((resolve, reject) => {
      job = { key, run, resolve, reject };
    });
    this.inFlight.set(key, promise);
    // The job exists: the executor above ran synchronously.
    if (free) this.start(job as unknown as Job<T>);
    else this.waiting.push(job as unknown as Job<T>);
    return promise;
  }

  /**
   * Takes no more work and forgets the waiting jobs (their promises reject); running jobs finish
   * on their own bounds.
   */
  close(): void {
    this.closed = true;
    for (const job of this.waiting.splice(0)) {
      this.inFlight.delete(job.key);
      job.reject(new Error('background queue closed'));
    }
  }

  private start(job: Job<T>): void {
    this.running += 1;
    void (async () => {
      try {
        job.resolve(await job.run());
      } catch (err) {
        job.reject(err);
      } finally {
        this.inFlight.delete(job.key);
        this.running -= 1;
        const next = this.waiting.shift();
        if (next !== undefined) this.start(next);
      }
    })();
  }
}
