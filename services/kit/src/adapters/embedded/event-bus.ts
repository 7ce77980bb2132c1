import { type FileHandle, mkdir, open, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import { fnv1a32 } from '../../hash.js';
import type { Logger } from '../../logger.js';
import type {
  DeliveredMessage,
  EventBus,
  MessageBatch,
  OutgoingMessage,
  SubscribeOptions,
  Subscription,
  TopicSpec,
} from '../../ports/event-bus.js';
import { retry } from '../../resilience/retry.js';
import { splitLines, syncDirectory, writeAll, writeFileAtomic } from './files.js';

/** Options of {@link createEmbeddedEventBus}. */
export interface EmbeddedEventBusOptions {
  /** The bus keeps its logs and offsets in `<dataDir>/bus/`. */
  dataDir: string;
  logger: Logger;
  /** Partitions of topics created without a count of their own. */
  partitions?: number;
  /** First wait before a failed batch is delivered again; doubles per failure. */
  retryInitialDelayMs?: number;
  /** Longest wait between deliveries of a failing batch. */
  retryMaxDelayMs?: number;
  /**
   * Most messages of one partition handed to a handler at once. Default 50,000: a consumer
   * that catches up on a backlog (the profile updater) does its per-batch work (one read and
   * one write per user) once for many events. At 500 a batch held about one event per user; at
   * 5,000 the updater still wrote each user about five times as often as at 50,000 in
   * `bench:ingest`. A live consumer's batches stay small whatever this is.
   */
  maxBatchSize?: number;
}

export const EMBEDDED_BUS_DEFAULTS = {
  partitions: 4,
  retryInitialDelayMs: 100,
  retryMaxDelayMs: 5_000,
  maxBatchSize: 50_000,
} as const;

/** Kafka's rule for topic names, which also keeps them safe as directory names. */
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;
const MAX_PARTITIONS = 1024;

/** One log line. Short keys: the log holds every message ever published. */
interface LogRecord {
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
class PartitionLog {
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
      const handle = await open(this.file, 'r+');
      try {
        await handle.truncate(complete);
        await handle.sync();
      } finally {
        await handle.close();
      }
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
        await writeAll(this.handle, data);
        await this.handle.datasync();
        this.size += data.length;
      } catch (err) {
        // Leave no half-written line behind for the next append to follow.
        await this.handle?.truncate(this.size).catch(() => undefined);
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

interface Topic {
  name: string;
  partitions: PartitionLog[];
}

/** Committed offsets of one group (next offset to read, per topic and partition), in one file. */
class OffsetBook {
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

interface Member {
  handleBatch: SubscribeOptions['handleBatch'];
}

interface RetryPolicy {
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

function delivered(topic: string, partition: number, record: LogRecord): DeliveredMessage {
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

/**
 * One group consuming one topic: a worker per partition, members sharing the partitions
 * (partition p goes to member p mod n, re-decided before every batch, so members may come and
 * go). An ephemeral run has no offset book.
 */
class GroupRun {
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

function checkTopicName(topic: string): void {
  if (typeof topic !== 'string' || !TOPIC_NAME.test(topic)) {
    throw new Error(
      `Invalid topic name ${JSON.stringify(topic)}: use 1 to 249 letters, digits, '.', '_' or '-'`,
    );
  }
}

function checkMessage(topic: string, message: OutgoingMessage, index: number): void {
  if (typeof message.key !== 'string' || typeof message.value !== 'string') {
    throw new TypeError(`Message ${index} to ${topic}: key and value must be strings`);
  }
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (typeof value !== 'string') {
      throw new TypeError(`Message ${index} to ${topic}: header ${name} must be a string`);
    }
  }
}

function positiveInteger(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new RangeError(`${name} must be a whole number from 1 to ${max}, got ${value}`);
  }
  return value;
}

/** The partition of a key: a stable hash, so a key keeps its partition across restarts. */
export function partitionOf(key: string, partitions: number): number {
  return fnv1a32(key) % partitions;
}

class EmbeddedEventBus implements EventBus {
  private readonly topics = new Map<string, Promise<Topic>>();
  private readonly books = new Map<string, OffsetBook>();
  private readonly runs = new Map<string, GroupRun>();
  private readonly stoppingRuns = new Map<string, Promise<void>>();
  private readonly allRuns = new Set<GroupRun>();
  private closed = false;
  private readonly topicsDir: string;
  private readonly offsetsDir: string;

  constructor(
    root: string,
    private readonly defaultPartitions: number,
    private readonly retry: RetryPolicy,
    private readonly log: Logger,
  ) {
    this.topicsDir = path.join(root, 'topics');
    this.offsetsDir = path.join(root, 'offsets');
  }

  async open(): Promise<void> {
    await mkdir(this.topicsDir, { recursive: true });
    await mkdir(this.offsetsDir, { recursive: true });
    let messages = 0;
    for (const entry of await readdir(this.topicsDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !TOPIC_NAME.test(entry.name)) continue;
      const topic = await this.loadTopic(entry.name);
      if (topic === null) continue;
      this.topics.set(topic.name, Promise.resolve(topic));
      for (const partition of topic.partitions) messages += partition.end;
    }
    for (const entry of await readdir(this.offsetsDir)) {
      if (!entry.endsWith('.json')) continue;
      const groupId = decodeURIComponent(entry.slice(0, -'.json'.length));
      const book = this.book(groupId);
      book.load(JSON.parse(await readFile(path.join(this.offsetsDir, entry), 'utf8')));
    }
    this.log.info(
      { topics: this.topics.size, messages, groups: this.books.size },
      'embedded event bus opened',
    );
  }

  private async loadTopic(name: string): Promise<Topic | null> {
    const dir = path.join(this.topicsDir, name);
    let meta: { partitions?: unknown };
    try {
      meta = JSON.parse(await readFile(path.join(dir, 'topic.json'), 'utf8')) as typeof meta;
    } catch (err) {
      // A crash between mkdir and the first write of topic.json leaves an empty directory.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    const count = positiveInteger(
      `partitions of topic ${name}`,
      Number(meta.partitions),
      MAX_PARTITIONS,
    );
    const partitions = Array.from(
      { length: count },
      (_, p) => new PartitionLog(name, p, path.join(dir, `${p}.log`)),
    );
    for (const partition of partitions) await partition.replay(this.log);
    return { name, partitions };
  }

  private book(groupId: string): OffsetBook {
    let book = this.books.get(groupId);
    if (book === undefined) {
      book = new OffsetBook(path.join(this.offsetsDir, `${encodeURIComponent(groupId)}.json`));
      this.books.set(groupId, book);
    }
    return book;
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('The embedded event bus is closed');
  }

  /** The topic, created with `partitions` (or the default) when it does not exist yet. */
  private topic(name: string, partitions?: number): Promise<Topic> {
    checkTopicName(name);
    const existing = this.topics.get(name);
    if (existing !== undefined) return existing;
    const count = positiveInteger(
      `partitions of topic ${name}`,
      partitions ?? this.defaultPartitions,
      MAX_PARTITIONS,
    );
    const created = (async () => {
      const dir = path.join(this.topicsDir, name);
      await mkdir(dir, { recursive: true });
      await writeFileAtomic(path.join(dir, 'topic.json'), [
        Buffer.from(`${JSON.stringify({ partitions: count })}\n`, 'utf8'),
      ]);
      this.log.info({ topic: name, partitions: count }, 'created topic');
      return {
        name,
        partitions: Array.from(
          { length: count },
          (_, p) => new PartitionLog(name, p, path.join(dir, `${p}.log`)),
        ),
      };
    })();
    this.topics.set(name, created);
    created.catch(() => this.topics.delete(name));
    return created;
  }

  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    this.checkOpen();
    await Promise.all(topics.map((spec) => this.topic(spec.name, spec.partitions)));
  }

  async publish(topicName: string, messages: OutgoingMessage[]): Promise<void> {
    this.checkOpen();
    messages.forEach((message, index) => checkMessage(topicName, message, index));
    if (messages.length === 0) return;
    const topic = await this.topic(topicName);
    const byPartition = new Map<number, OutgoingMessage[]>();
    for (const message of messages) {
      const partition = partitionOf(message.key, topic.partitions.length);
      const list = byPartition.get(partition) ?? [];
      list.push(message);
      byPartition.set(partition, list);
    }
    await Promise.all(
      [...byPartition].map(([partition, list]) => topic.partitions[partition]!.append(list)),
    );
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.checkOpen();
    if (typeof options.groupId !== 'string' || options.groupId === '') {
      throw new Error('groupId must be a non-empty string');
    }
    const topic = await this.topic(options.topic);
    const member: Member = { handleBatch: options.handleBatch };
    const fromBeginning = options.fromBeginning ?? false;
    const logger = this.log.child({ groupId: options.groupId, topic: topic.name });

    if (options.ephemeral === true) {
      const run = new GroupRun(options.groupId, topic, null, fromBeginning, this.retry, logger);
      run.add(member);
      this.allRuns.add(run);
      return {
        stop: async () => {
          await run.remove(member);
          this.allRuns.delete(run);
        },
      };
    }

    const key = `${options.groupId}\u0000${topic.name}`;
    // A run that is stopping still has a batch to commit; the next one starts after it.
    await this.stoppingRuns.get(key);
    this.checkOpen();
    let run = this.runs.get(key);
    if (run === undefined) {
      run = new GroupRun(
        options.groupId,
        topic,
        this.book(options.groupId),
        fromBeginning,
        this.retry,
        logger,
      );
      this.runs.set(key, run);
      this.allRuns.add(run);
    }
    run.add(member);
    const owner = run;
    let stopped: Promise<void> | null = null;
    return {
      stop: () => {
        stopped ??= (async () => {
          const removing = owner.remove(member);
          if (owner.empty && this.runs.get(key) === owner) {
            this.runs.delete(key);
            const stopping = removing.finally(() => {
              if (this.stoppingRuns.get(key) === stopping) this.stoppingRuns.delete(key);
            });
            this.stoppingRuns.set(key, stopping);
          }
          await removing;
          if (owner.empty) this.allRuns.delete(owner);
        })();
        return stopped;
      },
    };
  }

  async consumerLag(topicName: string, groupId: string): Promise<number> {
    this.checkOpen();
    checkTopicName(topicName);
    const topic = await this.topics.get(topicName);
    if (topic === undefined) return 0;
    const book = this.books.get(groupId);
    let lag = 0;
    for (const log of topic.partitions) {
      lag += log.end - Math.min(book?.get(topicName, log.partition) ?? 0, log.end);
    }
    return lag;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.allRuns].map((run) => run.stop()));
    this.allRuns.clear();
    this.runs.clear();
    await Promise.all([...this.books.values()].map((book) => book.flush()));
    const topics = await Promise.allSettled([...this.topics.values()]);
    for (const result of topics) {
      if (result.status === 'fulfilled') {
        await Promise.all(result.value.partitions.map((p) => p.close()));
      }
    }
    this.log.info('embedded event bus closed');
  }
}

/**
 * An in-process EventBus with Kafka's guarantees at one-process scale: per topic and partition
 * an append-only JSON-lines log under `<dataDir>/bus/topics/<topic>/<partition>.log`, synced
 * before `publish` resolves; committed offsets per group in `<dataDir>/bus/offsets/<group>.json`,
 * replaced atomically; on open the logs are read back so groups resume where they committed. A
 * publish wakes the waiting partition workers directly: no polling. Logs are never truncated;
 * the whole log is held in memory (see {@link PartitionLog} for the scale this suits).
 */
export async function createEmbeddedEventBus(options: EmbeddedEventBusOptions): Promise<EventBus> {
  const partitions = positiveInteger(
    'partitions',
    options.partitions ?? EMBEDDED_BUS_DEFAULTS.partitions,
    MAX_PARTITIONS,
  );
  const retry: RetryPolicy = {
    initialDelayMs: positiveInteger(
      'retryInitialDelayMs',
      options.retryInitialDelayMs ?? EMBEDDED_BUS_DEFAULTS.retryInitialDelayMs,
    ),
    maxDelayMs: positiveInteger(
      'retryMaxDelayMs',
      options.retryMaxDelayMs ?? EMBEDDED_BUS_DEFAULTS.retryMaxDelayMs,
    ),
    maxBatchSize: positiveInteger(
      'maxBatchSize',
      options.maxBatchSize ?? EMBEDDED_BUS_DEFAULTS.maxBatchSize,
    ),
  };
  if (retry.maxDelayMs < retry.initialDelayMs) {
    throw new RangeError('retryMaxDelayMs must not be smaller than retryInitialDelayMs');
  }
  const bus = new EmbeddedEventBus(
    path.join(options.dataDir, 'bus'),
    partitions,
    retry,
    options.logger.child({ component: 'embedded-event-bus' }),
  );
  await bus.open();
  return bus;
}
