import { isRetriable } from '../errors.js';
import type { Logger } from '../logger.js';
import type {
  DeliveredMessage,
  EventBus,
  OutgoingMessage,
  Subscription,
} from '../ports/event-bus.js';
import { openSealed, seal, SEALED_CONTENT_TYPE, sealedSubject } from '../privacy/sealed.js';
import type { UserKeyVault } from '../privacy/user-keys.js';
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

/**
 * The bus message for one event sealed with its user's key: key = the user's subject (so a
 * user's events stay in order and no id is in the clear), value = the event's JSON under
 * AES-256-GCM. Deleting the key makes every copy of the message unreadable.
 */
export function sealedUserEventMessage(
  event: UserEvent,
  userKey: { subject: string; key: Buffer },
  headers: Record<string, string> = {},
): OutgoingMessage {
  return {
    key: userKey.subject,
    value: seal(serializeUserEvent(event), userKey.subject, userKey.key),
    headers: {
      ...headers,
      [HEADER_SCHEMA_VERSION]: USER_EVENT_SCHEMA_VERSION,
      [HEADER_CONTENT_TYPE]: SEALED_CONTENT_TYPE,
    },
  };
}

/** Options of {@link publishUserEvents}. */
export interface PublishUserEventsOptions {
  /** Put on every message. */
  headers?: Record<string, string>;
  /**
   * Stamp each message with its event's own time: a backfill of old events does so, since the
   * consumers' age rule reads the message time. Live producers leave it off.
   */
  atEventTime?: boolean;
  /**
   * Seals each event with its user's key from this vault, so `forgetUser` reaches every copy.
   * Without one the events go in the clear, as an outside producer's would.
   */
  vault?: UserKeyVault;
}

/** Publishes validated events to `user-events`. */
export async function publishUserEvents(
  bus: EventBus,
  events: readonly UserEvent[],
  options: PublishUserEventsOptions = {},
): Promise<void> {
  if (events.length === 0) return;
  const keys =
    options.vault === undefined
      ? undefined
      : await options.vault.keysForWriting([...new Set(events.map((event) => event.userId))]);
  await bus.publish(
    USER_EVENTS_TOPIC,
    events.map((event) => {
      const userKey = keys?.get(event.userId);
      return {
        ...(userKey === undefined
          ? userEventMessage(event, options.headers)
          : sealedUserEventMessage(event, userKey, options.headers)),
        ...(options.atEventTime === true ? { timestamp: event.timestamp } : {}),
      };
    }),
  );
}

/** A valid event with where it sits in the log. */
export interface ConsumedEvent {
  event: UserEvent;
  partition: number;
  offset: string;
  /** The user's subject when the event came sealed; consumers re-check it on `forgetUser`. */
  subject?: string;
}

/** Options of {@link consumeUserEvents}. */
export interface ConsumeUserEventsOptions {
  bus: EventBus;
  groupId: string;
  logger: Logger;
  fromBeginning?: boolean;
  ephemeral?: boolean;
  /**
   * False: messages that break the contract are skipped (and logged), not put on the DLQ. For a
   * second consumer group of `user-events` (the trainer) while profiles owns the DLQ, so a bad
   * message is dead-lettered once, not once per group. Default true.
   */
  deadLetters?: boolean;
  /**
   * Applies a batch of valid events of one partition, in log order. Throwing a retriable error
   * (or any error not marked otherwise) commits nothing: the batch comes again after a backoff
   * (see EventBus), so this must be idempotent. Throwing a `TailorError` marked not retriable
   * says the batch can never be applied: its events are then handed over one at a time, and
   * those refused alone go to the DLQ with the error as the reason, so the partition moves on
   * instead of stalling behind them for good, unless every event is refused (then the batch
   * comes again, as for a retriable error).
   */
  handle: (events: ConsumedEvent[]) => Promise<void>;
  /**
   * Opens sealed events. A sealed event whose user's key is gone belongs to a forgotten user
   * and is skipped (never dead-lettered, never applied). Without a vault, sealed events go to
   * the DLQ, since nothing here could read them.
   */
  vault?: UserKeyVault;
}

type Parsed =
  | { ok: true; event: UserEvent; subject?: string }
  | { ok: false; reason: string }
  | { ok: 'forgotten' };

function parse(message: DeliveredMessage, keys: ReadonlyMap<string, Buffer> | undefined): Parsed {
  const subject = sealedSubject(message.value);
  let text = message.value;
  if (subject !== undefined) {
    if (keys === undefined)
      return { ok: false, reason: 'sealed event and no key vault to open it' };
    const key = keys.get(subject);
    if (key === undefined) return { ok: 'forgotten' };
    if (message.key !== subject) {
      return { ok: false, reason: "message key is not the sealed event's subject" };
    }
    try {
      text = openSealed(message.value, key);
    } catch {
      return { ok: false, reason: 'sealed event does not open with its user key' };
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `value is not JSON: ${(err as Error).message}` };
  }
  // Validate against the time the bus accepted the message, so replaying an old log does not
  // refuse events that were fresh when they were sent.
  const result = validateUserEvent(json, message.timestamp);
  if (!result.ok) {
    return { ok: false, reason: result.errors.map((e) => `${e.field}: ${e.message}`).join('; ') };
  }
  if (subject !== undefined) return { ok: true, event: result.event, subject };
  if (message.key !== '' && message.key !== result.event.userId) {
    return { ok: false, reason: `key ${JSON.stringify(message.key)} is not the event's userId` };
  }
  return { ok: true, event: result.event };
}

/** A message as it goes to `user-events.dlq`: unchanged, with why and where it came from. */
function deadLetter(message: DeliveredMessage, reason: string): OutgoingMessage {
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      [HEADER_DLQ_REASON]: reason.slice(0, 1000),
      [HEADER_DLQ_ORIGIN]: `${message.topic}/${message.partition}/${message.offset}`,
    },
  };
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
      const validMessages: DeliveredMessage[] = [];
      const dead: OutgoingMessage[] = [];
      const sentUpTo = deadLetteredUpTo.get(batch.partition) ?? -1n;
      let lastDead = sentUpTo;
      // One vault read per batch for every sealed message in it.
      const subjects = batch.messages.flatMap((message) => sealedSubject(message.value) ?? []);
      const keys =
        options.vault === undefined ? undefined : await options.vault.keysForReading(subjects);
      let forgotten = 0;
      for (const message of batch.messages) {
        const parsed = parse(message, keys);
        if (parsed.ok === 'forgotten') {
          forgotten += 1;
        } else if (parsed.ok) {
          valid.push({
            event: parsed.event,
            partition: message.partition,
            offset: message.offset,
            ...(parsed.subject === undefined ? {} : { subject: parsed.subject }),
          });
          validMessages.push(message);
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
          dead.push(deadLetter(message, parsed.reason));
        }
      }
      if (forgotten > 0) {
        log.debug({ partition: batch.partition, forgotten }, 'skipped events of forgotten users');
      }
      // Dead letters first: if this throws, the batch is redelivered and nothing is lost.
      if (dead.length > 0) {
        if (!options.ephemeral && options.deadLetters !== false) {
          await options.bus.publish(USER_EVENTS_DLQ_TOPIC, dead);
        }
        deadLetteredUpTo.set(batch.partition, lastDead);
      }
      if (valid.length === 0) return;
      try {
        await options.handle(valid);
      } catch (err) {
        if (isRetriable(err)) throw err;
        // Some event of the batch can never be applied. One by one, the others still are (the
        // handler is idempotent), and those refused alone go to the DLQ. When every event is
        // refused, the fault is more likely the service's (a wrong setting) than the events':
        // the batch comes again and the partition waits, visibly, instead of emptying into the DLQ.
        log.warn(
          { err, partition: batch.partition },
          'batch refused; applying its events one by one',
        );
        const refused: { message: DeliveredMessage; error: unknown }[] = [];
        for (const [i, consumed] of valid.entries()) {
          try {
            await options.handle([consumed]);
          } catch (single) {
            if (isRetriable(single)) throw single;
            refused.push({ message: validMessages[i]!, error: single });
          }
        }
        if (refused.length === valid.length) throw err;
        for (const { message, error } of refused) {
          log.error(
            { err: error, partition: message.partition, offset: message.offset },
            'dead-lettering an event the handler can never apply',
          );
        }
        if (!options.ephemeral && options.deadLetters !== false) {
          await options.bus.publish(
            USER_EVENTS_DLQ_TOPIC,
            refused.map(({ message, error }) =>
              deadLetter(message, `handler refused it: ${(error as Error).message}`),
            ),
          );
        }
      }
    },
  });
}
