import { writeFileAtomic } from '../files.js';

/** Committed offsets of one group (next offset to read, per topic and partition), in one file. */
export class OffsetBook {
  private readonly offsets = new Map<string, Map<number, number>>();
  private queued: Promise<void> | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  load(content: unknown): void {
    if (typeof content !== 'object' || content === null) return;
    for (const [topic, partitions] of Object.entries(content as Record<string, unknown>)) {
      const map = new Map<number, number>();
      for (const [partition, offset] of Object.entries(partitions as Record<string, unknown>)) {
        if (typeof offset === 'number') map.set(Number(partition), offset);
      }
      this.offsets.set(topic, map);
    }
  }

  get(topic: string, partition: number): number | undefined {
    return this.offsets.get(topic)?.get(partition);
  }

  /** Resolves once a write that includes this offset is on disk. */
  commit(topic: string, partition: number, next: number): Promise<void> {
    let map = this.offsets.get(topic);
    if (map === undefined) {
      map = new Map();
      this.offsets.set(topic, map);
    }
    map.set(partition, next);
    // Commits that arrive while a write waits to start ride along with it.
    if (this.queued !== null) return this.queued;
    const write = this.chain.then(() => {
      this.queued = null;
      return writeFileAtomic(this.file, [Buffer.from(this.serialize(), 'utf8')]);
    });
    this.queued = write;
    this.chain = write.catch(() => undefined);
    return write;
  }

  async flush(): Promise<void> {
    await this.chain;
  }

  private serialize(): string {
    const out: Record<string, Record<string, number>> = {};
    for (const [topic, map] of this.offsets) {
      out[topic] = Object.fromEntries([...map].map(([p, o]) => [String(p), o]));
    }
    return `${JSON.stringify(out)}\n`;
  }
}
