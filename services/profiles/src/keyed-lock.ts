/**
 * Runs tasks one at a time per key, in arrival order. The consumer and `forgetUser` both
 * read-modify-write a profile; without this a forget landing during a batch would be
 * overwritten by the batch's upsert of the profile it read before.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `task` holding every key. Keys are taken in sorted order, so two calls cannot deadlock. */
  async run<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const releases: (() => void)[] = [];
    try {
      for (const key of [...new Set(keys)].sort()) releases.push(await this.acquire(key));
      return await task();
    } finally {
      for (const release of releases) release();
    }
  }

  /** Keys held or waited for; 0 when idle (nothing leaks). */
  get size(): number {
    return this.tails.size;
  }

  private async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => held);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}
