import { randomUUID } from 'node:crypto';

import { USER_EVENTS_DLQ_TOPIC, USER_EVENTS_TOPIC } from '@tailor/kit';
import { kafkaForTests, waitFor } from '@tailor/kit/testing';
import {
  type Admin,
  Kafka,
  type KafkaMessage,
  logLevel,
  Partitioners,
  type Producer,
} from 'kafkajs';

/** KAFKA_BROKERS (CI's `infra/kafka/start.sh`), else a container where Docker answers. */
const broker = await kafkaForTests();

/** The brokers to use, or an empty list. */
export const brokers: string[] = broker.available ? broker.address : [];

/** Why the Kafka suites are skipped, or undefined when a broker is at hand. */
export const skipReason: string | undefined = broker.available ? undefined : broker.skip;

/** Stops the broker's container, if this run started one. */
export function stopBroker(): Promise<void> {
  return broker.available ? broker.stop() : Promise.resolve();
}

/**
 * Options of each Kafka test: skipped with the reason when there is no broker (each test, not the
 * suite, so the run's summary counts them as skipped), else bounded by `timeoutMs`.
 */
export function kafkaTest(timeoutMs: number): { skip: string } | { timeout: number } {
  return skipReason === undefined ? { timeout: timeoutMs } : { skip: skipReason };
}

/** A per-run suffix for user ids and group names, so runs on a shared broker never meet. */
export function unique(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

/**
 * A kafkajs client that is not Tailor code: what an external producer or an operator's tool
 * would use. Java's default partitioner (murmur2 of the key), as any other client would.
 */
export function plainKafka(clientId: string): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING });
}

export async function plainProducer(clientId: string): Promise<Producer> {
  const producer = plainKafka(clientId).producer({
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return producer;
}

export async function plainAdmin(clientId: string): Promise<Admin> {
  const admin = plainKafka(clientId).admin();
  await admin.connect();
  return admin;
}

/** A contract event as an external producer writes it: plain JSON, ISO timestamp. */
export interface ContractEvent {
  eventId: string;
  userId: string;
  itemId?: string;
  type: string;
  value?: number;
  timestamp: string;
}

export function contractEvent(userId: string, itemId: string, type = 'view'): ContractEvent {
  return { eventId: randomUUID(), userId, itemId, type, timestamp: new Date().toISOString() };
}

/**
 * Writes raw values to `user-events` keyed by userId, as any Kafka producer may. `topic` is the
 * name on the broker, for a deployment whose names carry a prefix (KAFKA_NAME_PREFIX); so below.
 */
export async function produceRaw(
  producer: Producer,
  messages: { key: string; value: string }[],
  topic = USER_EVENTS_TOPIC,
): Promise<void> {
  await producer.send({ topic, acks: -1, messages });
}

export function produceEvents(
  producer: Producer,
  events: readonly ContractEvent[],
  topic = USER_EVENTS_TOPIC,
) {
  return produceRaw(
    producer,
    events.map((e) => ({ key: e.userId, value: JSON.stringify(e) })),
    topic,
  );
}

/** Next offset to be written, per partition of `user-events`. */
export async function topicEnds(
  admin: Admin,
  topic = USER_EVENTS_TOPIC,
): Promise<Map<number, bigint>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, BigInt(o.offset)]));
}

/** Offsets the group has committed on `user-events`, per partition; -1 for none. */
export async function committedOffsets(
  admin: Admin,
  groupId: string,
  topic = USER_EVENTS_TOPIC,
): Promise<Map<number, bigint>> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((offsets?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
}

/** True once the group has committed at least up to `ends` on every partition listed there. */
export async function committedUpTo(
  admin: Admin,
  groupId: string,
  ends: ReadonlyMap<number, bigint>,
  topic = USER_EVENTS_TOPIC,
): Promise<boolean> {
  const committed = await committedOffsets(admin, groupId, topic);
  for (const [partition, end] of ends) {
    if (end > 0n && (committed.get(partition) ?? -1n) < end) return false;
  }
  return true;
}

/**
 * Everything on `user-events.dlq` up to its current end, read with a plain consumer of a group of
 * its own: what an operator's tool sees. Whatever dead letters a test expects must have been
 * published before the call (the consumer committed past their origin, for one).
 */
export function readDeadLetters(admin: Admin): Promise<KafkaMessage[]> {
  return readTopic(admin, USER_EVENTS_DLQ_TOPIC);
}

/** Everything on `topic` up to its current end, as a plain consumer (an operator's dump) sees it. */
export async function readTopic(admin: Admin, topic: string): Promise<KafkaMessage[]> {
  const ends = new Map(
    (await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.offset)]),
  );
  const read = new Map<number, bigint>();
  const messages: KafkaMessage[] = [];
  const groupId = unique('tailor-e2e-topic-reader');
  const consumer = plainKafka('topic-reader').consumer({ groupId, maxWaitTimeInMs: 500 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        messages.push(message);
        read.set(partition, BigInt(message.offset) + 1n);
      },
    });
    await waitFor(() => [...ends].every(([p, end]) => (read.get(p) ?? 0n) >= end), {
      timeoutMs: 60_000,
      intervalMs: 50,
      description: `${topic} to be read to its end`,
    });
    return messages;
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
}

export function header(message: KafkaMessage, name: string): string | undefined {
  return message.headers?.[name]?.toString();
}
