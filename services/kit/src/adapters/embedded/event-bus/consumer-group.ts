import type { Logger } from '../../../logger.js';
import type { MessageBatch, SubscribeOptions } from '../../../ports/event-bus.js';
import { retry } from '../../../resilience/retry.js';
import type { OffsetBook } from './offset-book.js';
import { delivered, type PartitionLog, type Topic } from './partition-log.js';

/** One subscriber of a group: the handler its share of the partitions goes to. */
export interface Member {
  handleBatch: SubscribeOptions['handleBatch'];
}

/** How a failing batch is delivered again, and how much of a partition one batch holds. */
export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  maxBatchSize: number;
}

/** Delivers one partition to the members of a group run, one batch at a time. */
class PartitionWorker {
  private stopped = false;
  private wake: (() => void) | null = null;
  inFlight: { member: Member; done: Promise<void> } | null = null;
  finished: Promise<void> = Promise.resolve();

  constructor(
    private readonly run: GroupRun,
    private readonly log: PartitionLog,
    private position: number,
    private readonly retry: RetryPolicy,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.finished = this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      if (this.position >= this.log.end) {
        const next = this.log.nextAppend();
        this.wake = next.cancel;
        if (!this.stopped && this.position >= this.log.end) await next.promise;
        else next.cancel();
        this.wake = null;
        continue;
      }
      // After a failure the same batch, exactly, goes out again, even if more has arrived.
      const length = Math.min(this.retry.maxBatchSize, this.log.end - this.position);
      const handed = await retry(() => this.deliverNext(length), {
        attempts: Infinity,
        initialDelayMs: this.retry.initialDelayMs,
        maxDelayMs: this.retry.maxDelayMs,
        sleep: (ms) => this.pause(ms),
      });
      if (!handed) return;
    }
  }

  /**
   * Hands the next `length` records to the member that owns the partition now. False when the
   * worker stopped or the partition has no member; throws what the handler threw.
   */
  private async deliverNext(length: number): Promise<boolean> {
    if (this.stopped) return false;
    const member = this.run.memberFor(this.log.partition);
    if (member === undefined) return false;
    const from = this.position;
    const batch: MessageBatch = {
      topic: this.log.topic,
      partition: this.log.partition,
      messages: this.log.records
        .slice(from, from + length)
        .map((record) => delivered(this.log.topic, this.log.partition, record)),
    };
    const attempt = this.deliver(member, batch, from + length);
    // Whoever waits for the batch in flight waits for it to end, not for it to succeed.
    this.inFlight = { member, done: attempt.then(settled, settled) };
    try {
      await attempt;
    } finally {
      this.inFlight = null;
    }
    return true;
  }

  /** Hands the batch over; on success moves on and commits. Throws what the handler threw. */
  private async deliver(member: Member, batch: MessageBatch, next: number): Promise<void> {
    try {
      await member.handleBatch(batch);
    } catch (err) {
      this.logger.warn(
        {
          err,
          topic: batch.topic,
          partition: batch.partition,
          groupId: this.run.groupId,
          offset: batch.messages[0]?.offset,
          count: batch.messages.length,
        },
        'batch handler failed; the same batch will be delivered again after a backoff',
      );
      throw err;
    }
    this.position = next;
    if (this.run.book !== null) {
      try {
        await this.run.book.commit(batch.topic, batch.partition, next);
      } catch (err) {
        // The batch was handled; a lost commit only means it may come again after a restart.
        this.logger.error(
          { err, topic: batch.topic, partition: batch.partition, groupId: this.run.groupId },
          'could not commit offsets',
        );
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
      if (this.stopped) done();
    });
  }
}

function settled(): void {}

/**
 * One group consuming one topic: a worker per partition, members sharing the partitions
 * (partition p goes to member p mod n, re-decided before every batch, so members may come and
 * go). An ephemeral run has no offset book.
 */
export class GroupRun {
  private readonly members: Member[] = [];
  private readonly workers: PartitionWorker[];
  private started = false;

  constructor(
    readonly groupId: string,
    topic: Topic,
    readonly book: OffsetBook | null,
    fromBeginning: boolean,
    retry: RetryPolicy,
    logger: Logger,
  ) {
    this.workers = topic.partitions.map((log) => {
      const committed = book?.get(topic.name, log.partition);
      const start = committed ?? (fromBeginning ? 0 : log.end);
      return new PartitionWorker(this, log, Math.min(start, log.end), retry, logger);
    });
  }

  get empty(): boolean {
    return this.members.length === 0;
  }

  /** Adds a member; the first one starts the workers, so none runs without a handler. */
  add(member: Member): void {
    this.members.push(member);
    if (!this.started) {
      this.started = true;
      for (const worker of this.workers) worker.start();
    }
  }

  memberFor(partition: number): Member | undefined {
    return this.members[partition % this.members.length];
  }

  /** Removes a member once its batches in hand are done; the last one stops the run. */
  async remove(member: Member): Promise<void> {
    const index = this.members.indexOf(member);
    if (index < 0) return;
    this.members.splice(index, 1);
    if (this.members.length === 0) {
      await this.stop();
      return;
    }
    await Promise.all(
      this.workers.map((w) => (w.inFlight?.member === member ? w.inFlight.done : undefined)),
    );
  }

  async stop(): Promise<void> {
    for (const worker of this.workers) worker.stop();
    await Promise.all(this.workers.map((w) => w.finished));
  }
}
