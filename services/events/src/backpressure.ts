import { type EventBus, type Logger, TailorError } from '@tailor/kit';

import type { EventMetrics } from './metrics.js';

/**
 * The profile updater is too far behind to take this batch; nothing of it was published. The
 * producer should wait `retryAfterSeconds` and send it again.
 */
export class IngestBackloggedError extends TailorError {
  constructor(
    readonly lag: number,
    readonly maxLag: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      `the profile updater is ${lag} events behind (the bound is ${maxLag}); nothing was ` +
        `accepted, send the batch again in ${retryAfterSeconds} s`,
      { retriable: true },
    );
  }
}

/** Options of {@link IngestBackpressure}. */
export interface IngestBackpressureOptions {
  bus: EventBus;
  /** The topic the updater consumes (`user-events`). */
  topic: string;
  /** The updater's consumer group (`PROFILES_CONSUMER_GROUP`). */
  groupId: string;
  /** Most events the updater may be behind; 0 turns backpressure off. */
  maxLag: number;
  /** How often the bus is asked for the group's lag. */
  checkIntervalMs: number;
  retryAfterSeconds: number;
  logger: Logger;
  metrics: EventMetrics;
}

/**
 * Refuses batches while the profile updater is behind by more than a bound, so producers slow
 * down instead of the backlog (and the time until an event shows in a profile) growing without
 * limit. The bus is asked for the lag on a timer, never per request: a Kafka lag query is two
 * admin round trips. Between two answers the events this process accepted are added to the last
 * answer, so a flood cannot overshoot the bound while the next answer is on its way: within one
 * process the lag stays at or under the bound. Each further events replica may add what it
 * accepts in one interval.
 */
export class IngestBackpressure {
  private lastLag = 0;
  /** Events published since the lag query in hand (or the last one) was sent. */
  private publishedSinceQuery = 0;
  /** Events reserved by batches still being published. */
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  private querying = false;
  private readonly log: Logger;

  constructor(private readonly options: IngestBackpressureOptions) {
    this.log = options.logger.child({ component: 'ingest-backpressure' });
  }

  get enabled(): boolean {
    return this.options.maxLag > 0;
  }

  /** The lag this process goes by: the bus's last answer plus what it published since. */
  get lag(): number {
    return this.lastLag + this.publishedSinceQuery + this.inFlight;
  }

  /** Asks for the lag once now, then on the interval; resolves after the first answer. */
  async start(): Promise<void> {
    if (!this.enabled || this.timer !== null) return;
    await this.query();
    this.timer = setInterval(() => void this.query(), this.options.checkIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Reserves room for `count` events, or throws {@link IngestBackloggedError} when they would
   * take the lag past the bound. Call {@link settle} with the same count once the batch was
   * published, or was not.
   */
  reserve(count: number): void {
    if (!this.enabled || count === 0) return;
    const lag = this.lag;
    if (lag + count > this.options.maxLag) {
      this.options.metrics.backlogRefusals.inc();
      throw new IngestBackloggedError(lag, this.options.maxLag, this.options.retryAfterSeconds);
    }
    this.inFlight += count;
  }

  settle(count: number, published: boolean): void {
    if (!this.enabled || count === 0) return;
    this.inFlight -= count;
    if (published) this.publishedSinceQuery += count;
  }

  private async query(): Promise<void> {
    if (this.querying) return;
    this.querying = true;
    // What was published before the query is in its answer; what is published while it runs
    // may or may not be, so it stays counted: the estimate errs high, never low.
    const before = this.publishedSinceQuery;
    try {
      const lag = await this.options.bus.consumerLag(this.options.topic, this.options.groupId);
      this.lastLag = lag;
      this.publishedSinceQuery -= before;
      this.options.metrics.updaterLag.set(lag);
    } catch (err) {
      // Fail open: with the bus unreachable, publishing fails on its own and says so.
      this.log.warn({ err }, 'could not read the profile updater lag; keeping the last value');
    } finally {
      this.querying = false;
    }
  }
}
