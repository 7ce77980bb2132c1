/** A message to publish. `key` decides the partition: same key, same order. */
export interface OutgoingMessage {
  key: string;
  value: string;
  headers?: Record<string, string>;
  /**
   * Epoch ms the message is stamped with (Kafka's CreateTime); the time of publishing when
   * absent. A backfill sets the time its events happened, since consumers judge an event's age
   * against its message's time.
   */
  timestamp?: number;
}

/** A message as a consumer receives it. */
export interface DeliveredMessage {
  topic: string;
  partition: number;
  /** Decimal string, as Kafka gives it; compare with BigInt or Number when small. */
  offset: string;
  key: string;
  value: string;
  headers: Record<string, string>;
  /** Epoch milliseconds when the bus accepted the message. */
  timestamp: number;
}

/** Consecutive messages of one partition, in offset order. */
export interface MessageBatch {
  topic: string;
  partition: number;
  messages: DeliveredMessage[];
}

/** Options of {@link EventBus.subscribe}. */
export interface SubscribeOptions {
  topic: string;
  /** Members of one group share the partitions and the committed offsets. */
  groupId: string;
  /** Where a group without committed offsets starts; the default is the end (new messages). */
  fromBeginning?: boolean;
  /**
   * Offsets are neither read nor committed: every start begins where `fromBeginning` says. For
   * state rebuilt from the log at each start (trending counts), not for state kept in a store.
   */
  ephemeral?: boolean;
  /**
   * Handles one batch. Resolving commits the batch's offsets; throwing commits nothing and the
   * same batch is delivered again after a backoff, so a handler must be idempotent.
   */
  handleBatch: (batch: MessageBatch) => Promise<void>;
}

/** A running subscription. */
export interface Subscription {
  /** Stops fetching, lets the batch in hand finish and commit, then resolves. */
  stop(): Promise<void>;
}

/** Topic settings used when a bus creates topics. */
export interface TopicSpec {
  name: string;
  partitions?: number;
  replicationFactor?: number;
}

/**
 * The EventBus port: at-least-once, per-key ordered delivery with committed offsets per consumer
 * group. Implemented in-process (embedded) and on Kafka.
 */
export interface EventBus {
  /** Creates the topics that do not exist yet; existing ones are left as they are. */
  ensureTopics(topics: TopicSpec[]): Promise<void>;
  /** Resolves once every message is durably accepted (acks=all on Kafka, fsync'd log embedded). */
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /**
   * Messages of `topic` the durable group `groupId` has not committed yet, summed over the
   * partitions: how far its consumers are behind. A partition the group has committed nothing
   * on counts from its first message, as a group starting from the beginning would read it.
   * Producers use it for backpressure and autoscalers scale on it.
   */
  consumerLag(topic: string, groupId: string): Promise<number>;
  /** Stops every subscription and releases connections and files. */
  close(): Promise<void>;
}
