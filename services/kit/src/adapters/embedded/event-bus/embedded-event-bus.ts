import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import { fnv1a32 } from '../../../hash.js';
import type { Logger } from '../../../logger.js';
import type {
  EventBus,
  OutgoingMessage,
  SubscribeOptions,
  Subscription,
  TopicSpec,
} from '../../../ports/event-bus.js';
import { writeFileAtomic } from '../files.js';
import { GroupRun, type Member, type RetryPolicy } from './consumer-group.js';
import { OffsetBook } from './offset-book.js';
import { PartitionLog, type Topic } from './partition-log.js';

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
