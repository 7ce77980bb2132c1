import { type FileHandle, open, readFile } from 'node:fs/promises';
import path from 'node:path';

import type { Logger } from '../../../logger.js';
import type { DeliveredMessage, OutgoingMessage } from '../../../ports/event-bus.js';
import { appendSynced, splitLines, syncDirectory, truncateFile } from '../files.js';

/** One log line. Short keys: the log holds every message ever published. */
export interface LogRecord {
  /** Offset: the record's index in its partition, from 0. */
  o: number;
  /** Epoch ms when the bus accepted it. */
  t: number;
  k: string;
  v: string;
  /** Absent when the message had no headers. */
  h?: Record<string, string>;
}

interface PendingAppend {
  messages: readonly OutgoingMessage[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * One partition: an append-only JSON-lines file and, in memory, every record in it. Holding the
 * whole log in memory is what keeps delivery simple and prompt; it suits the embedded scale
 * (one process, up to a few hundred thousand messages of a few hundred bytes: tens of MB).
 * Beyond that, run Kafka.
 */
export class PartitionLog {
  readonly records: LogRecord[] = [];
  private readonly listeners = new Set<() => void>();
  private queue: PendingAppend[] = [];
  private flushing: Promise<void> | null = null;
  private handle: FileHandle | null = null;
  private size = 0;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly file: string,
  ) {}

  get end(): number {
    return this.records.length;
  }

  /** Reads the file back; cuts off a record torn by a crash, refuses a corrupt one. */
  async replay(log: Logger): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const { lines, complete, torn } = splitLines(text);
    lines.forEach((line, index) => {
      let record: LogRecord;
      try {
        record = JSON.parse(line) as LogRecord;
      } catch (err) {
        throw new Error(`Corrupt bus log ${this.file} at line ${index + 1}`, { cause: err });
      }
      if (record.o !== this.records.length) {
        throw new Error(
          `Corrupt bus log ${this.file} at line ${index + 1}: offset ${record.o}, expected ${this.records.length}`,
        );
      }
      this.records.push(record);
    });
    this.size = complete;
    if (torn) {
      log.warn({ file: this.file, keptBytes: complete }, 'cutting off a record torn by a crash');
      await truncateFile(this.file, complete);
    }
  }

  /**
   * Appends and syncs, then makes the messages visible. Appends that arrive while a write is in
   * progress are written together with one sync (group commit), which keeps many small
   * concurrent publishes from paying one fsync each.
   */
  append(messages: readonly OutgoingMessage[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ messages, resolve, reject });
      this.flushing ??= this.flush().finally(() => {
        this.flushing = null;
      });
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const jobs = this.queue;
      this.queue = [];
      const timestamp = Date.now();
      const records: LogRecord[] = [];
      for (const job of jobs) {
        for (const message of job.messages) {
          const record: LogRecord = {
            o: this.records.length + records.length,
            t: message.timestamp ?? timestamp,
            k: message.key,
            v: message.value,
          };
          if (message.headers !== undefined && Object.keys(message.headers).length > 0) {
            record.h = { ...message.headers };
          }
          records.push(record);
        }
      }
      const data = Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(''), 'utf8');
      try {
        if (this.handle === null) {
          const created = this.size === 0;
          this.handle = await open(this.file, 'a');
          if (created) await syncDirectory(path.dirname(this.file));
        }
        await appendSynced(this.handle, data, this.size);
        this.size += data.length;
      } catch (err) {
        for (const job of jobs) job.reject(err);
        continue;
      }
      this.records.push(...records);
      for (const job of jobs) job.resolve();
      for (const listener of [...this.listeners]) listener();
    }
  }

  /** Resolves on the next append (or when `cancel` is called). */
  nextAppend(): { promise: Promise<void>; cancel: () => void } {
    let listener!: () => void;
    const promise = new Promise<void>((resolve) => {
      listener = () => {
        this.listeners.delete(listener);
        resolve();
      };
      this.listeners.add(listener);
    });
    return { promise, cancel: listener };
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.handle?.close();
    this.handle = null;
  }
}

/** A topic: its partitions' logs, partition p at index p. */
export interface Topic {
  name: string;
  partitions: PartitionLog[];
}

/** A log record as the port hands it to a consumer. */
export function delivered(topic: string, partition: number, record: LogRecord): DeliveredMessage {
  return {
    topic,
    partition,
    offset: String(record.o),
    key: record.k,
    value: record.v,
    headers: { ...record.h },
    timestamp: record.t,
  };
}
