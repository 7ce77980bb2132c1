/** Raised when a deadline passes while a task still waits for a slot. */
export class SlotTimeoutError extends Error {
  constructor() {
    super('no free slot before the deadline');
    this.name = 'SlotTimeoutError';
  }
}

interface Waiter {
  grant: () => void;
  timer?: NodeJS.Timeout;
}

/**
 * At most `limit` tasks run at once; the others wait in order. A waiter with a deadline gives
 * up when it passes, so a request never spends its whole budget in a queue.
 */
export class ConcurrencyLimiter {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`limit must be a whole number ≥ 1, got ${limit}`);
  }

  /** Tasks running now. */
  get active(): number {
    return this.running;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `task` in a slot; `deadline` (epoch ms) bounds the wait for one, not the task. */
  async run<T>(task: () => Promise<T>, deadline?: number): Promise<T> {
    await this.acquire(deadline);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(deadline: number | undefined): Promise<void> {
    if (this.running < this.limit) {
      this.running += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { grant: resolve };
      if (deadline !== undefined) {
        waiter.timer = setTimeout(
          () => {
            const at = this.waiting.indexOf(waiter);
            if (at >= 0) this.waiting.splice(at, 1);
            reject(new SlotTimeoutError());
          },
          Math.max(0, deadline - Date.now()),
        );
      }
      this.waiting.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next === undefined) {
      this.running -= 1;
      return;
    }
    clearTimeout(next.timer);
    next.grant();
  }
}
