import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  Kafka,
  type KafkaMessage,
  logLevel,
  type Message,
  Partitioners,
  type Producer,
} from 'kafkajs';

import { isRetriable, TailorError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type {
  DeliveredMessage,
  EventBus,
  OutgoingMessage,
  SubscribeOptions,
  Subscription,
  TopicSpec,
} from '../../ports/event-bus.js';
import { retry } from '../../resilience/retry.js';
import { kafkaError } from './kafkajs-errors.js';
import { kafkajsLogCreator } from './kafkajs-logger.js';

/** Options of {@link createKafkaEventBus}. */
export interface KafkaEventBusOptions {
  /** Bootstrap brokers as `host:port`. */
  brokers: string[];
  /** Names this process to the brokers (quotas, broker logs). */
  clientId: string;
  logger: Logger;
  /** First wait before a failed batch is handled again; doubles per failure. */
  retryInitialDelayMs?: number;
  /** Longest wait between attempts at a failing batch. */
  retryMaxDelayMs?: number;
  /** Partitions of topics created without a count of their own. */
  defaultPartitions?: number;
  /**
   * Replication factor of topics created without one of their own. Defaults to the number of
   * brokers in the cluster, at most 3: one on a development broker, 3 in production.
   */
  replicationFactor?: number;
  /**
   * How long a consumer may go without a heartbeat before its group drops it and hands its
   * partitions to the others: after a crash, the time before the survivors (or a restarted
   * replica) go on. Shorter recovers sooner; too short drops members on a long GC pause. The
   * broker allows 6 s to 300 s by default (`group.min/max.session.timeout.ms`).
   */
  sessionTimeoutMs?: number;
  /**
   * Longest wait for one publish before it fails as retriable. kafkajs retries a dead broker
   * for longer than a request may wait, so without this bound the caller's deadline ends the
   * request first, as an abort the bus breaker does not count; with it the failures count, the
   * breaker opens and producers are told to come back at once. A publish that lands after its
   * bound is a duplicate the event's id makes harmless, so it is set below the gateway's
   * deadline, with room for the request's other work.
   */
  publishTimeoutMs?: number;
  /**
   * Most bytes one fetch reads of one partition, so about how large a batch a handler gets
   * while a consumer catches up (kafkajs's own default, 1 MiB, is about 4,000 events). A
   * consumer's per-batch work (the profile updater's one read and one write per user) is paid
   * once per batch, so bigger batches cost it less per event; a live consumer's batches stay
   * small whatever this is. The whole fetch is bounded by {@link fetchMaxBytes}.
   */
  fetchMaxBytesPerPartition?: number;
  /** Most bytes of one fetch over all of a consumer's partitions. */
  fetchMaxBytes?: number;
}

export const KAFKA_BUS_DEFAULTS = {
  retryInitialDelayMs: 500,
  retryMaxDelayMs: 30_000,
  defaultPartitions: 4,
  sessionTimeoutMs: 30_000,
  publishTimeoutMs: 3_000,
  fetchMaxBytesPerPartition: 8 * 1024 * 1024,
  fetchMaxBytes: 32 * 1024 * 1024,
} as const;

/** Replication factor of the default when the cluster has at least this many brokers. */
const MAX_DEFAULT_REPLICATION_FACTOR = 3;
/** Kafka's rule for topic names. */
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;
const BROKER_ADDRESS = /^[^\s:]+:\d{1,5}$/;
/**
 * Upper bound of one produce request. The broker refuses record batches over `message.max.bytes`
 * (1 MiB by default) and kafkajs puts all of a request's messages for one partition in one
 * batch, so larger publishes go out as consecutive requests, which keeps per-key order.
 */
const MAX_REQUEST_BYTES = 512 * 1024;
const MAX_REQUEST_MESSAGES = 1_000;
/**
 * Heartbeats per session timeout: a member that misses heartbeats for the whole session is
 * dropped from its group. Handlers and retry waits heartbeat at this interval, so a slow handler
 * or a long backoff does not cost the member its partitions.
 */
const HEARTBEATS_PER_SESSION = 10;
/**
 * How long a fetch waits on the broker for new messages. Delivery does not wait for it (the
 * broker answers as soon as a message arrives); it bounds how long `stop()` waits for an idle
 * consumer's fetch to come back.
 */
const FETCH_MAX_WAIT_MS = 1_000;
/**
 * How a start-up step the broker may not be ready for (joining a subscription's group, creating
 * topics) is retried before it fails: 250 ms doubling to 2 s, about 10 s in all, long enough for
 * a new topic's leaders to be elected on a loaded broker, short enough that a broker that is not
 * there stops the service soon.
 */
const START_RETRY = {
  attempts: 8,
  initialDelayMs: 250,
  maxDelayMs: 2_000,
} as const;

function invalid(message: string): TailorError {
  return new TailorError(`Kafka event bus: ${message}`, { retriable: false });
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const result = value ?? fallback;
  if (!Number.isInteger(result) || result < 1) {
    throw invalid(`${name} must be a positive integer, got ${String(value)}`);
  }
  return result;
}

function checkTopic(topic: string): void {
  if (!TOPIC_NAME.test(topic)) {
    throw invalid(`topic ${JSON.stringify(topic)} is not a valid Kafka topic name`);
  }
}

function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

/** Duplicate header keys keep the last value, as Java's `Headers.lastHeader` reads them. */
function headerValues(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) result[key] = value.toString('utf8');
  }
  return result;
}

function delivered(topic: string, partition: number, message: KafkaMessage): DeliveredMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? '',
    value: message.value?.toString('utf8') ?? '',
    headers: headerValues(message.headers),
    timestamp: Number(message.timestamp),
  };
}

function messageBytes(message: OutgoingMessage): number {
  let bytes = Buffer.byteLength(message.key) + Buffer.byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  }
  return bytes;
}

/** Splits messages into consecutive requests under the size and count bounds, in order. */
function requests(messages: readonly OutgoingMessage[]): Message[][] {
  const result: Message[][] = [];
  let current: Message[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = messageBytes(message);
    if (
      current.length > 0 &&
      (bytes + size > MAX_REQUEST_BYTES || current.length >= MAX_REQUEST_MESSAGES)
    ) {
      result.push(current);
      current = [];
      bytes = 0;
    }
    current.push({
      key: message.key,
      value: message.value,
      headers: { ...message.headers },
      ...(message.timestamp === undefined ? {} : { timestamp: String(message.timestamp) }),
    });
    bytes += size;
  }
  if (current.length > 0) result.push(current);
  return result;
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}

/**
 * `work`, or a failure once `deadline` aborts first. The work itself goes on (kafkajs cannot
 * cancel a send); only the wait for it ends.
 */
async function withinDeadline<T>(work: Promise<T>, deadline: AbortSignal, why: string): Promise<T> {
  if (deadline.aborted) throw new Error(why);
  let onAbort: (() => void) | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    onAbort = () => reject(new Error(why));
    deadline.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    deadline.removeEventListener('abort', onAbort!);
  }
}

interface SubscriptionContext {
  kafka: Kafka;
  admin: Admin;
  log: Logger;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  fetchMaxBytesPerPartition: number;
  fetchMaxBytes: number;
}

/**
 * One subscription: a kafkajs consumer, one member of its group. Start positions are fixed before `subscribe` resolves:
 * kafkajs would otherwise look up "the end" only at its first fetch, after the group join, and a
 * message published in between would be skipped.
 */
class KafkaSubscription implements Subscription {
  private readonly abort = new AbortController();
  private stopping: Promise<void> | null = null;
  /**
   * Where each partition continues. Durable groups: partitions that had no committed offset when
   * subscribing, until that start is committed. Ephemeral groups, which never commit: every
   * partition, advanced after each batch, so a rejoin resumes instead of starting over.
   */
  private readonly positions = new Map<number, string>();
  private readonly log: Logger;

  private constructor(
    private readonly consumer: Consumer,
    private readonly options: SubscribeOptions,
    private readonly context: SubscriptionContext,
    readonly groupId: string,
  ) {
    this.log = context.log.child({ topic: options.topic, groupId });
  }

  /**
   * Joins, again after a retriable failure: a topic created a moment ago by another process may
   * have no partition leader yet, and a service whose processes start together must not exit
   * on that. Bounded ({@link START_RETRY}), so a topic that never comes still fails.
   */
  static async start(
    options: SubscribeOptions,
    context: SubscriptionContext,
  ): Promise<KafkaSubscription> {
    checkTopic(options.topic);
    if (options.groupId.length === 0) throw invalid('groupId must not be empty');
    return retry(() => KafkaSubscription.join(options, context), {
      ...START_RETRY,
      retriable: isRetriable,
      onRetry: ({ err, attempt, delayMs }) =>
        context.log.warn(
          { topic: options.topic, groupId: options.groupId, attempt, delayMs, err },
          'subscribing failed; retrying',
        ),
    });
  }

  private static async join(
    options: SubscribeOptions,
    context: SubscriptionContext,
  ): Promise<KafkaSubscription> {
    // Kafka has no group-less consumer that follows partition assignment, so an ephemeral
    // subscription joins a group of its own. It commits nothing; the broker still lists the
    // group until it has been empty for a while, and then forgets it.
    const groupId = options.ephemeral
      ? `${options.groupId}.ephemeral.${randomUUID()}`
      : options.groupId;
    const consumer = context.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: context.sessionTimeoutMs,
      heartbeatInterval: context.heartbeatIntervalMs,
      maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
      maxBytesPerPartition: context.fetchMaxBytesPerPartition,
      maxBytes: context.fetchMaxBytes,
    });
    const subscription = new KafkaSubscription(consumer, options, context, groupId);
    try {
      await subscription.fixStartPositions();
      subscription.watch();
      await consumer.connect();
      await consumer.subscribe({
        topics: [options.topic],
        fromBeginning: options.fromBeginning ?? false,
      });
      // Resolves once the member has joined its group and got its partitions.
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => subscription.eachBatch(payload),
      });
    } catch (err) {
      await consumer.disconnect().catch(() => undefined);
      throw kafkaError(`subscribing to ${options.topic} as group ${groupId}`, err);
    }
    subscription.log.debug('subscribed');
    return subscription;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      // Ends a retry wait at once; a handler already running is awaited by consumer.stop().
      this.abort.abort();
      try {
        await this.consumer.stop();
        await this.consumer.disconnect();
      } catch (err) {
        throw kafkaError(`stopping the consumer of group ${this.groupId}`, err);
      }
      this.log.debug('subscription stopped');
    })();
    return this.stopping;
  }

  /** Records "the end" for the partitions where the group has nowhere else to start. */
  private async fixStartPositions(): Promise<void> {
    if (this.options.fromBeginning) return;
    const { admin } = this.context;
    const ends = await admin.fetchTopicOffsets(this.options.topic);
    const committed = new Set<number>();
    if (!this.options.ephemeral) {
      const [offsets] = await admin.fetchOffsets({
        groupId: this.groupId,
        topics: [this.options.topic],
      });
      for (const { partition, offset } of offsets?.partitions ?? []) {
        if (BigInt(offset) >= 0n) committed.add(partition);
      }
    }
    for (const { partition, offset } of ends) {
      if (!committed.has(partition)) this.positions.set(partition, offset);
    }
  }

  private watch(): void {
    const { consumer } = this;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = payload.memberAssignment[this.options.topic] ?? [];
      this.log.debug({ partitions: assigned }, 'joined the group');
      for (const partition of assigned) {
        const offset = this.positions.get(partition);
        if (offset === undefined) continue;
        consumer.seek({ topic: this.options.topic, partition, offset });
        if (!this.options.ephemeral) this.commitStart(partition, offset);
      }
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) {
        this.log.warn({ err: payload.error }, 'consumer crashed; kafkajs restarts it');
      } else {
        this.log.error(
          { err: payload.error },
          'consumer crashed and stopped; this subscription receives nothing more',
        );
      }
    });
  }

  /**
   * Commits the start position of a partition the group had none for, so a member that takes
   * the partition over before any message arrives starts there too, not at a later end.
   */
  private commitStart(partition: number, offset: string): void {
    this.consumer
      .commitOffsets([{ topic: this.options.topic, partition, offset }])
      .then(() => {
        if (this.positions.get(partition) === offset) this.positions.delete(partition);
      })
      .catch((err: unknown) => {
        this.log.warn(
          { partition, offset, err },
          'could not commit the start position; retried at the next join',
        );
      });
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, isRunning, isStale, heartbeat, resolveOffset, commitOffsetsIfNecessary } =
      payload;
    if (batch.isEmpty()) return;
    const messages = batch.messages.map((m) => delivered(batch.topic, batch.partition, m));
    const lastOffset = batch.lastOffset();
    const where = { partition: batch.partition, firstOffset: batch.firstOffset(), lastOffset };

    const handled = await retry(
      async () => {
        // Returning without resolving leaves the batch where it is: it comes again, to this
        // member after a seek or to whichever member owns the partition after a rebalance.
        if (!isRunning() || isStale() || this.abort.signal.aborted) return false;
        await this.handle(messages, batch.partition, heartbeat);
        return true;
      },
      {
        attempts: Infinity,
        initialDelayMs: this.context.retryInitialDelayMs,
        maxDelayMs: this.context.retryMaxDelayMs,
        sleep: (delayMs) => this.waitWithHeartbeats(delayMs, heartbeat),
        onRetry: ({ err, attempt, delayMs }) =>
          this.log.warn(
            { ...where, attempt, delayMs, err },
            'batch handler failed; retrying the same batch',
          ),
      },
    );
    if (!handled) return;

    resolveOffset(lastOffset);
    const next = nextOffset(lastOffset);
    if (this.options.ephemeral) {
      this.positions.set(batch.partition, next);
    } else {
      await commitOffsetsIfNecessary({
        topics: [
          { topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] },
        ],
      });
      this.positions.delete(batch.partition);
    }
    if (isRunning()) await heartbeat();
  }

  /** Runs the handler, heartbeating meanwhile so a slow handler keeps its group membership. */
  private async handle(
    messages: DeliveredMessage[],
    partition: number,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const timer = setInterval(() => {
      heartbeat().catch((err: unknown) =>
        this.log.debug({ err }, 'heartbeat during a batch failed'),
      );
    }, this.context.heartbeatIntervalMs);
    try {
      await this.options.handleBatch({ topic: this.options.topic, partition, messages });
    } finally {
      clearInterval(timer);
    }
  }

  /**
   * Waits before the next attempt, heartbeating so the group does not hand the partition to
   * another member meanwhile. A heartbeat that reports a rebalance throws: kafkajs then rejoins
   * and the uncommitted batch comes again.
   */
  private async waitWithHeartbeats(delayMs: number, heartbeat: () => Promise<void>): Promise<void> {
    const deadline = Date.now() + delayMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0 || this.abort.signal.aborted) return;
      await pause(Math.min(left, this.context.heartbeatIntervalMs), this.abort.signal);
      if (!this.abort.signal.aborted) await heartbeat();
    }
  }
}

/**
 * The EventBus port on Kafka through kafkajs: an idempotent producer with acks from all in-sync
 * replicas, and one consumer per subscription that commits a batch's offsets only after its
 * handler resolved. Connects the producer and the admin client before it resolves, so a wrong
 * broker address fails at start.
 */
export async function createKafkaEventBus(options: KafkaEventBusOptions): Promise<EventBus> {
  if (options.brokers.length === 0) throw invalid('brokers must list at least one host:port');
  for (const broker of options.brokers) {
    if (!BROKER_ADDRESS.test(broker))
      throw invalid(`broker ${JSON.stringify(broker)} is not host:port`);
  }
  if (options.clientId.length === 0) throw invalid('clientId must not be empty');
  const retryInitialDelayMs = positiveInteger(
    'retryInitialDelayMs',
    options.retryInitialDelayMs,
    KAFKA_BUS_DEFAULTS.retryInitialDelayMs,
  );
  const retryMaxDelayMs = positiveInteger(
    'retryMaxDelayMs',
    options.retryMaxDelayMs,
    KAFKA_BUS_DEFAULTS.retryMaxDelayMs,
  );
  if (retryMaxDelayMs < retryInitialDelayMs) {
    throw invalid(
      `retryMaxDelayMs (${retryMaxDelayMs}) must not be below retryInitialDelayMs (${retryInitialDelayMs})`,
    );
  }
  const defaultPartitions = positiveInteger(
    'defaultPartitions',
    options.defaultPartitions,
    KAFKA_BUS_DEFAULTS.defaultPartitions,
  );
  const sessionTimeoutMs = positiveInteger(
    'sessionTimeoutMs',
    options.sessionTimeoutMs,
    KAFKA_BUS_DEFAULTS.sessionTimeoutMs,
  );
  const publishTimeoutMs = positiveInteger(
    'publishTimeoutMs',
    options.publishTimeoutMs,
    KAFKA_BUS_DEFAULTS.publishTimeoutMs,
  );
  const fetchMaxBytesPerPartition = positiveInteger(
    'fetchMaxBytesPerPartition',
    options.fetchMaxBytesPerPartition,
    KAFKA_BUS_DEFAULTS.fetchMaxBytesPerPartition,
  );
  const fetchMaxBytes = positiveInteger(
    'fetchMaxBytes',
    options.fetchMaxBytes,
    KAFKA_BUS_DEFAULTS.fetchMaxBytes,
  );
  if (fetchMaxBytes < fetchMaxBytesPerPartition) {
    throw invalid(
      `fetchMaxBytes (${fetchMaxBytes}) must not be below fetchMaxBytesPerPartition (${fetchMaxBytesPerPartition})`,
    );
  }
  const configuredReplication =
    options.replicationFactor === undefined
      ? undefined
      : positiveInteger('replicationFactor', options.replicationFactor, 1);

  const log = options.logger.child({ component: 'kafka-event-bus' });
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    logCreator: kafkajsLogCreator(options.logger.child({ component: 'kafkajs' })),
  });
  const admin = kafka.admin();
  const producer: Producer = kafka.producer({
    idempotent: true,
    // Idempotence keeps order across retries only with one request in flight per connection.
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    // Murmur2 of the key, as Java clients partition: another producer's messages for a key land
    // on the same partition as ours.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  try {
    await admin.connect();
    await producer.connect();
  } catch (err) {
    await Promise.allSettled([admin.disconnect(), producer.disconnect()]);
    throw kafkaError(`connecting to ${options.brokers.join(',')}`, err);
  }
  log.info({ brokers: options.brokers }, 'connected to Kafka');

  const subscriptions = new Set<KafkaSubscription>();
  let closing: Promise<void> | null = null;
  const context: SubscriptionContext = {
    kafka,
    admin,
    log,
    retryInitialDelayMs,
    retryMaxDelayMs,
    sessionTimeoutMs,
    heartbeatIntervalMs: Math.floor(sessionTimeoutMs / HEARTBEATS_PER_SESSION),
    fetchMaxBytesPerPartition,
    fetchMaxBytes,
  };

  const assertOpen = () => {
    if (closing !== null) throw invalid('the bus is closed');
  };

  const defaultReplication = async (): Promise<number> => {
    if (configuredReplication !== undefined) return configuredReplication;
    const { brokers } = await admin.describeCluster();
    return Math.max(1, Math.min(MAX_DEFAULT_REPLICATION_FACTOR, brokers.length));
  };

  return {
    async ensureTopics(topics: TopicSpec[]): Promise<void> {
      assertOpen();
      for (const topic of topics) {
        checkTopic(topic.name);
        positiveInteger(`partitions of ${topic.name}`, topic.partitions, defaultPartitions);
        if (topic.replicationFactor !== undefined) {
          positiveInteger(`replicationFactor of ${topic.name}`, topic.replicationFactor, 1);
        }
      }
      const create = async (): Promise<void> => {
        try {
          const existing = new Set(await admin.listTopics());
          const missing = new Map<string, TopicSpec>();
          for (const topic of topics) if (!existing.has(topic.name)) missing.set(topic.name, topic);
          if (missing.size === 0) return;
          const replication = await defaultReplication();
          // Another process may create the same topics at the same moment: kafkajs then reports
          // "already exists", which is the outcome we want.
          await admin.createTopics({
            waitForLeaders: true,
            topics: [...missing.values()].map((topic) => ({
              topic: topic.name,
              numPartitions: topic.partitions ?? defaultPartitions,
              replicationFactor: topic.replicationFactor ?? replication,
            })),
          });
          log.info({ topics: [...missing.keys()] }, 'created topics');
        } catch (err) {
          if (err instanceof TailorError) throw err;
          throw kafkaError(`creating topics ${topics.map((t) => t.name).join(',')}`, err);
        }
      };
      // While another process's creation of the same topics settles, the broker may answer
      // "does not host this topic-partition" (retriable): asked again, the topics are there.
      await retry(create, {
        ...START_RETRY,
        retriable: isRetriable,
        onRetry: ({ err, attempt, delayMs }) =>
          log.warn(
            { topics: topics.map((t) => t.name), attempt, delayMs, err },
            'creating topics failed; retrying',
          ),
      });
    },

    async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
      assertOpen();
      checkTopic(topic);
      const deadline = AbortSignal.timeout(publishTimeoutMs);
      for (const request of requests(messages)) {
        try {
          await withinDeadline(
            producer.send({ topic, acks: -1, messages: request }),
            deadline,
            `no broker acknowledged the publish within ${publishTimeoutMs} ms`,
          );
        } catch (err) {
          throw kafkaError(`publishing ${request.length} messages to ${topic}`, err);
        }
      }
    },

    async subscribe(subscribeOptions: SubscribeOptions): Promise<Subscription> {
      assertOpen();
      const subscription = await KafkaSubscription.start(subscribeOptions, context);
      if (closing !== null) {
        // close() ran while this consumer was joining: it must not outlive the bus.
        await subscription.stop();
        throw invalid('the bus is closed');
      }
      subscriptions.add(subscription);
      return {
        stop: async () => {
          await subscription.stop();
          subscriptions.delete(subscription);
        },
      };
    },

    async consumerLag(topic: string, groupId: string): Promise<number> {
      assertOpen();
      checkTopic(topic);
      try {
        const [ends, [committed]] = await Promise.all([
          admin.fetchTopicOffsets(topic),
          admin.fetchOffsets({ groupId, topics: [topic] }),
        ]);
        const next = new Map<number, bigint>();
        for (const { partition, offset } of committed?.partitions ?? []) {
          next.set(partition, BigInt(offset));
        }
        let lag = 0n;
        for (const { partition, high, low } of ends) {
          const end = BigInt(high);
          const done = next.get(partition) ?? -1n;
          // -1: nothing committed; the group reads from the oldest message still kept.
          const from = done >= 0n ? done : BigInt(low);
          if (end > from) lag += end - from;
        }
        return Number(lag);
      } catch (err) {
        throw kafkaError(`reading the lag of group ${groupId} on ${topic}`, err);
      }
    },

    close(): Promise<void> {
      closing ??= (async () => {
        const stops = await Promise.allSettled([...subscriptions].map((s) => s.stop()));
        subscriptions.clear();
        const disconnects = await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
        const failed = [...stops, ...disconnects].find((r) => r.status === 'rejected');
        if (failed?.status === 'rejected') throw kafkaError('closing the bus', failed.reason);
        log.info('Kafka event bus closed');
      })();
      return closing;
    },
  };
}
