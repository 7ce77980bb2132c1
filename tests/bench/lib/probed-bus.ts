import type {
  EventBus,
  MessageBatch,
  OutgoingMessage,
  SubscribeOptions,
  TopicSpec,
} from '@tailor/kit';

/** What a {@link probedBus} has seen its consumers finish. */
export interface BusProbe {
  /** Messages whose batch handler has resolved (i.e. handled and about to be committed). */
  handled: number;
  /** Batches whose handler has resolved. */
  batches: number;
  /** `process.hrtime.bigint()` when the first batch was handed to a handler. */
  firstBatchAt: bigint | null;
  /** Resolves once `handled` reaches `count`. */
  until(count: number, timeoutMs: number): Promise<void>;
  reset(): void;
}

/**
 * Wraps a bus so a bench can see when consumers are done, without touching the code that
 * consumes: every handler resolution counts its batch. With `namespace`, topic and group names
 * get a prefix, so a bench on a shared Kafka broker never meets another run's data; handlers
 * still see the names they asked for.
 */
export function probedBus(bus: EventBus, namespace = ''): { bus: EventBus; probe: BusProbe } {
  let waiters: { count: number; resolve: () => void }[] = [];
  const probe: BusProbe = {
    handled: 0,
    batches: 0,
    firstBatchAt: null,
    until(count, timeoutMs) {
      if (probe.handled >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w.resolve !== done);
          reject(
            new Error(`consumers handled ${probe.handled} of ${count} messages in ${timeoutMs} ms`),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        waiters.push({ count, resolve: done });
      });
    },
    reset() {
      probe.handled = 0;
      probe.batches = 0;
      probe.firstBatchAt = null;
    },
  };
  const name = (topic: string) => `${namespace}${topic}`;
  const wrapped: EventBus = {
    ensureTopics: (topics: TopicSpec[]) =>
      bus.ensureTopics(topics.map((topic) => ({ ...topic, name: name(topic.name) }))),
    publish: (topic: string, messages: OutgoingMessage[]) => bus.publish(name(topic), messages),
    subscribe: (options: SubscribeOptions) =>
      bus.subscribe({
        ...options,
        topic: name(options.topic),
        groupId: name(options.groupId),
        handleBatch: async (batch: MessageBatch) => {
          probe.firstBatchAt ??= process.hrtime.bigint();
          const messages = batch.messages.map((m) => ({ ...m, topic: options.topic }));
          await options.handleBatch({ ...batch, topic: options.topic, messages });
          probe.handled += batch.messages.length;
          probe.batches += 1;
          const ready = waiters.filter((w) => probe.handled >= w.count);
          waiters = waiters.filter((w) => probe.handled < w.count);
          for (const waiter of ready) waiter.resolve();
        },
      }),
    consumerLag: (topic: string, groupId: string) => bus.consumerLag(name(topic), name(groupId)),
    close: () => bus.close(),
  };
  return { bus: wrapped, probe };
}
