import { CollectionLayoutError } from '../errors.js';
import type {
  EventBus,
  MessageBatch,
  OutgoingMessage,
  SubscribeOptions,
  Subscription,
  TopicSpec,
} from '../ports/event-bus.js';
import type {
  BatchAnswer,
  BatchRead,
  CollectionSpec,
  Filter,
  PointInput,
  ReadOptions,
  ScoredPoint,
  ScrollPage,
  ScrollRequest,
  SearchRequest,
  StoredPoint,
  VectorStore,
  VectorUpdate,
} from '../ports/vector-store.js';

/*
 * Several deployments on one Kafka cluster or one Qdrant server (staging beside production, or
 * one test run beside another) must never read each other's data. A prefix on every name is the
 * one rule that keeps them apart without each service knowing: the code keeps saying
 * `user-events` and `profiles`, and only the names that reach the server change. Delivered
 * messages carry the name the code knows, so headers such as a dead letter's origin read the
 * same with or without a prefix.
 */

/**
 * `bus`, whose topics and consumer groups are all `prefix` + the name the code uses. An empty
 * prefix returns `bus` itself.
 */
export function withTopicPrefix(bus: EventBus, prefix: string): EventBus {
  if (prefix === '') return bus;
  const outside = (topic: string) => `${prefix}${topic}`;
  const inside = (topic: string) => (topic.startsWith(prefix) ? topic.slice(prefix.length) : topic);
  const unprefixed = (batch: MessageBatch): MessageBatch => ({
    ...batch,
    topic: inside(batch.topic),
    messages: batch.messages.map((m) => ({ ...m, topic: inside(m.topic) })),
  });
  return {
    ensureTopics: (topics: TopicSpec[]) =>
      bus.ensureTopics(topics.map((t) => ({ ...t, name: outside(t.name) }))),
    publish: (topic: string, messages: OutgoingMessage[]) => bus.publish(outside(topic), messages),
    subscribe: (options: SubscribeOptions): Promise<Subscription> =>
      bus.subscribe({
        ...options,
        topic: outside(options.topic),
        groupId: outside(options.groupId),
        handleBatch: (batch) => options.handleBatch(unprefixed(batch)),
      }),
    consumerLag: (topic: string, groupId: string) =>
      bus.consumerLag(outside(topic), outside(groupId)),
    close: () => bus.close(),
  };
}

/**
 * `store`, whose collections are all `prefix` + the name the code uses (the collection of a
 * `nearPoint` too). An empty prefix returns `store` itself.
 */
export function withCollectionPrefix(store: VectorStore, prefix: string): VectorStore {
  if (prefix === '') return store;
  return new PrefixedVectorStore(store, prefix);
}

class PrefixedVectorStore implements VectorStore {
  constructor(
    private readonly store: VectorStore,
    private readonly prefix: string,
  ) {}

  private name(collection: string): string {
    return `${this.prefix}${collection}`;
  }

  async ensureCollection(spec: CollectionSpec): Promise<void> {
    try {
      await this.store.ensureCollection({ ...spec, name: this.name(spec.name) });
    } catch (err) {
      // The caller hears of its own collection; the message still names the one on the server.
      if (!(err instanceof CollectionLayoutError)) throw err;
      throw new CollectionLayoutError(err.message, spec.name, err.vector);
    }
  }

  upsert(collection: string, points: readonly PointInput[]): Promise<void> {
    return this.store.upsert(this.name(collection), points);
  }

  updateVectors(collection: string, points: readonly VectorUpdate[]): Promise<void> {
    return this.store.updateVectors(this.name(collection), points);
  }

  retrieve(
    collection: string,
    ids: readonly string[],
    options?: ReadOptions,
  ): Promise<StoredPoint[]> {
    return this.store.retrieve(this.name(collection), ids, options);
  }

  private request(request: SearchRequest): SearchRequest {
    const from = request.nearPoint?.collection;
    return request.nearPoint === undefined || from === undefined
      ? request
      : { ...request, nearPoint: { ...request.nearPoint, collection: this.name(from) } };
  }

  search(collection: string, request: SearchRequest): Promise<ScoredPoint[]> {
    return this.store.search(this.name(collection), this.request(request));
  }

  readMany(collection: string, reads: readonly BatchRead[]): Promise<BatchAnswer[]> {
    return this.store.readMany(
      this.name(collection),
      reads.map((read) =>
        read.kind === 'search' ? { ...read, request: this.request(read.request) } : read,
      ),
    );
  }

  scroll(collection: string, request: ScrollRequest): Promise<ScrollPage> {
    return this.store.scroll(this.name(collection), request);
  }

  count(collection: string, filter?: Filter): Promise<number> {
    return this.store.count(this.name(collection), filter);
  }

  delete(
    collection: string,
    selector: { ids: readonly string[] } | { filter: Filter },
  ): Promise<void> {
    return this.store.delete(this.name(collection), selector);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
