import type { Logger } from '../logger.js';
import type {
  DeliveredMessage,
  EventBus,
  OutgoingMessage,
  Subscription,
} from '../ports/event-bus.js';
import {
  serializeUserEvent,
  USER_EVENT_SCHEMA_VERSION,
  USER_EVENTS_DLQ_TOPIC,
  USER_EVENTS_TOPIC,
  type UserEvent,
  validateUserEvent,
} from './user-event.js';

/** Headers Tailor sets on every `user-events` message. */
export const HEADER_SCHEMA_VERSION = 'schema-version';
export const HEADER_CONTENT_TYPE = 'content-type';
/**
 * The id of the request that accepted the event (the gateway's `x-request-id`), so one id
 * leads from a client's call through the events service's logs to the consumers and the DLQ.
 */
export const HEADER_REQUEST_ID = 'request-id';
/** Headers on a dead-lettered message, saying why and where it came from. */
export const HEADER_DLQ_REASON = 'dlq-reason';
export const HEADER_DLQ_ORIGIN = 'dlq-origin';

/** The bus message for one event: key = userId so a user's events stay in order. */
export function userEventMessage(
  event: UserEvent,
  headers: Record<string, string> = {},
): OutgoingMessage {
  return {
    key: event.userId,
    value: serializeUserEvent(event),
    headers: {
      ...headers,
      [HEADER_SCHEMA_VERSION]: USER_EVENT_SCHEMA_VERSION,
      [HEADER_CONTENT_TYPE]: 'application/json',
    },
  };
}

/** Publishes validated events to `user-events`; `headers` go on every message. */
export async function publishUserEvents(
  bus: EventBus,
  events: readonly UserEvent[],
  headers: Record<string, string> = {},
): Promise<void> {
  if (events.length === 0) return;
  await bus.publish(
    USER_EVENTS_TOPIC,
    events.map((event) => userEventMessage(event, headers)),
  );
}

/** A valid event with where it sits in the log. */
export interface ConsumedEvent {
  event: UserEvent;
  partition: number;
  offset: string;
}

/** Options of {@link consumeUserEvents}. */
export interface ConsumeUserEventsOptions {
  bus: EventBus;
  groupId: string;
  logger: Logger;
  fromBeginning?: boolean;
  ephemeral?: boolean;
  /**
   * Applies a batch of valid events of one partition, in log order. Throwing commits nothing:
   * the batch comes again after a backoff (see EventBus), so this must be idempotent.
   */
  handle: (events: ConsumedEvent[]) => Promise<void>;
}

function parse(
  message: DeliveredMessage,
): { ok: true; event: UserEvent } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(message.value);
  } catch (err) {
    return { ok: false, reason: `value is not JSON: ${(err as Error).message}` };
  }
  // Validate against the time the bus accepted the message, so replaying an old log does not
  // refuse events that were fresh when they were sent.
  const result = validateUserEvent(json, message.timestamp);
  if (!result.ok) {
    return { ok: false, reason: result.errors.map((e) => `${e.field}: ${e.message}`).join('; ') };
  }
  if (message.key !== '' && message.key !== result.event.userId) {
    return { ok: false, reason: `key ${JSON.stringify(message.key)} is not the event's userId` };
  }
  return { ok: true, event: result.event };
}

/**
 * Consumes `user-events`: every message that breaks the contract goes to `user-events.dlq` with
 * the reason in headers (nothing is dropped silently), the rest go to `handle` in log order.
 * A batch that comes again because `handle` failed does not dead-letter its messages again.
 */
export async function consumeUserEvents(options: ConsumeUserEventsOptions): Promise<Subscription> {
  const log = options.logger.child({ component: 'user-events-consumer', groupId: options.groupId });
  // Per partition, the last offset this subscription dead-lettered. While a dependency is down
  // the bus delivers the same batch again and again; without this, every attempt would put the
  // batch's invalid messages on the DLQ once more. A crash can still repeat one (at least once).
  const deadLetteredUpTo = new Map<number, bigint>();
  return options.bus.subscribe({
    topic: USER_EVENTS_TOPIC,
    groupId: options.groupId,
    ...(options.fromBeginning === undefined ? {} : { fromBeginning: options.fromBeginning }),
    ...(options.ephemeral === undefined ? {} : { ephemeral: options.ephemeral }),
    handleBatch: async (batch) => {
      const valid: ConsumedEvent[] = [];
      const dead: OutgoingMessage[] = [];
      const sentUpTo = deadLetteredUpTo.get(batch.partition) ?? -1n;
      let lastDead = sentUpTo;
      for (const message of batch.messages) {
        const parsed = parse(message);
        if (parsed.ok) {
          valid.push({ event: parsed.event, partition: message.partition, offset: message.offset });
        } else if (BigInt(message.offset) > sentUpTo) {
          lastDead = BigInt(message.offset);
          log.warn(
            {
              topic: message.topic,
              partition: message.partition,
              offset: message.offset,
              reason: parsed.reason,
            },
            'dead-lettering invalid event',
          );
          dead.push({
            key: message.key,
            value: message.value,
            headers: {
              ...message.headers,
              [HEADER_DLQ_REASON]: parsed.reason.slice(0, 1000),
              [HEADER_DLQ_ORIGIN]: `${message.topic}/${message.partition}/${message.offset}`,
            },
          });
        }
      }
      // Dead letters first: if this throws, the batch is redelivered and nothing is lost.
      if (dead.length > 0) {
        if (!options.ephemeral) await options.bus.publish(USER_EVENTS_DLQ_TOPIC, dead);
        deadLetteredUpTo.set(batch.partition, lastDead);
      }
      if (valid.length > 0) await options.handle(valid);
    },
  });
}
