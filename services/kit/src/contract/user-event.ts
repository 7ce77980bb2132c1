import { z } from 'zod';

/** Topic every behaviour event goes to; key = userId so one user's events stay in order. */
export const USER_EVENTS_TOPIC = 'user-events';
/** Where messages that break the contract go, with the reason in headers. */
export const USER_EVENTS_DLQ_TOPIC = 'user-events.dlq';
/** Bumped on any incompatible change; sent as the `schema-version` header. */
export const USER_EVENT_SCHEMA_VERSION = '1';

export const EVENT_TYPES = [
  'view',
  'click',
  'add_to_cart',
  'purchase',
  'like',
  'dislike',
  'rating',
  'share',
  'dwell',
  'impression',
  'skip',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Types that may omit `itemId` (a list-level impression has no single item). */
export const ITEM_OPTIONAL_TYPES: ReadonlySet<EventType> = new Set(['impression']);

/**
 * `context.source` of the impressions generation logs for its copy variant choices (one per
 * description, ad and thumbnail shown): the loop's record of which variant a shopper saw, of
 * an item the recommender's own impression already counts. A consumer counting what shoppers
 * were shown skips them (see {@link isVariantChoice}), or each card would count four times.
 */
export const VARIANT_CHOICE_SOURCE = 'generation-variant';

/** True for an impression that logs a variant choice rather than an item shown. */
export function isVariantChoice(event: {
  type: EventType;
  context?: Readonly<Record<string, string>> | undefined;
}): boolean {
  return event.type === 'impression' && event.context?.['source'] === VARIANT_CHOICE_SOURCE;
}

/** Every limit of the contract, explicit so producers can check before they send. */
export const EVENT_LIMITS = {
  idMaxLength: 128,
  contextMaxEntries: 16,
  contextKeyMaxLength: 64,
  contextValueMaxLength: 256,
  ratingMin: 0,
  ratingMax: 5,
  dwellMaxSeconds: 86_400,
  /** Clocks drift; events further in the future than this are refused. */
  maxFutureSkewMs: 5 * 60_000,
  /** Events older than this are refused: a replay of a decade of data is a backfill job. */
  maxAgeDays: 3_650,
} as const;

/**
 * C0 and C1 controls (NUL among them) and the bidirectional marks, embeddings, overrides and
 * isolates: an id holding one can look like another id, or break a log line or a Kafka key.
 */
const ID_FORBIDDEN_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point here
  /^[^\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]*$/;

/**
 * A lone surrogate is not Unicode: Kafka's UTF-8 key turns it into U+FFFD, so an event would be
 * accepted here and refused by its consumer. In `u` mode a valid pair is one code point, so
 * only a lone half matches.
 */
const LONE_SURROGATE = /\p{Cs}/u;

const id = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(EVENT_LIMITS.idMaxLength, `${what} must be at most ${EVENT_LIMITS.idMaxLength} characters`)
    .regex(
      ID_FORBIDDEN_CHARACTERS,
      `${what} must not contain control characters (NUL among them) or bidirectional formatting characters`,
    )
    .refine(
      (value) => !LONE_SURROGATE.test(value),
      `${what} must be well-formed Unicode (it holds a lone UTF-16 surrogate)`,
    );

const contextValue = z
  .string({ error: 'context values must be strings' })
  .max(
    EVENT_LIMITS.contextValueMaxLength,
    `context values must be at most ${EVENT_LIMITS.contextValueMaxLength} characters`,
  );

const timestamp = z
  .union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()], {
    error: 'timestamp must be an ISO-8601 date-time with offset or epoch milliseconds',
  })
  .describe('When the behaviour happened: ISO-8601 with offset, or epoch milliseconds.');

/**
 * The JSON value of one message on `user-events`. Producers outside Tailor write exactly this;
 * `user-event.schema.json` is generated from it.
 */
export const UserEventSchema = z
  .object({
    eventId: id('eventId').describe('Unique per event; redelivery with the same id counts once.'),
    userId: id('userId').describe('Whose behaviour this is; also the message key.'),
    itemId: id('itemId').optional().describe('The item acted on; absent only for impressions.'),
    type: z
      .enum(EVENT_TYPES, { error: `type must be one of ${EVENT_TYPES.join(', ')}` })
      .describe('What the user did.'),
    value: z
      .number({ error: 'value must be a number' })
      .finite('value must be finite')
      .optional()
      .describe('Rating (0 to 5) for rating events, seconds for dwell events.'),
    timestamp,
    context: z
      .record(
        z
          .string()
          .max(
            EVENT_LIMITS.contextKeyMaxLength,
            `context keys must be at most ${EVENT_LIMITS.contextKeyMaxLength} characters`,
          ),
        contextValue,
      )
      .optional()
      .describe(
        'Free-form string map; well-known keys: surface, recommendationId, creativeId, device.',
      ),
  })
  .strict()
  .superRefine((event, ctx) => {
    if (event.itemId === undefined && !ITEM_OPTIONAL_TYPES.has(event.type)) {
      ctx.addIssue({
        code: 'custom',
        path: ['itemId'],
        message: `itemId is required for ${event.type} events`,
      });
    }
    if (event.type === 'rating') {
      if (event.value === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['value'],
          message: 'value is required for rating events',
        });
      } else if (event.value < EVENT_LIMITS.ratingMin || event.value > EVENT_LIMITS.ratingMax) {
        ctx.addIssue({
          code: 'custom',
          path: ['value'],
          message: `rating value must be from ${EVENT_LIMITS.ratingMin} to ${EVENT_LIMITS.ratingMax}`,
        });
      }
    }
    if (
      event.type === 'dwell' &&
      (event.value === undefined || event.value < 0 || event.value > EVENT_LIMITS.dwellMaxSeconds)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `dwell events need value in seconds from 0 to ${EVENT_LIMITS.dwellMaxSeconds}`,
      });
    }
    if (
      event.context !== undefined &&
      Object.keys(event.context).length > EVENT_LIMITS.contextMaxEntries
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['context'],
        message: `context must have at most ${EVENT_LIMITS.contextMaxEntries} entries`,
      });
    }
  });

/** An event as producers write it. */
export type UserEventInput = z.input<typeof UserEventSchema>;

/** An event after validation, with its time as epoch milliseconds. */
export interface UserEvent {
  eventId: string;
  userId: string;
  itemId?: string;
  type: EventType;
  value?: number;
  /** Epoch milliseconds. */
  timestamp: number;
  context?: Record<string, string>;
}

/** One reason an event was refused, naming the field so the producer can fix it. */
export interface EventFieldError {
  field: string;
  message: string;
}

export type EventValidation =
  { ok: true; event: UserEvent } | { ok: false; errors: EventFieldError[] };

/**
 * zod leaves a `__proto__` key out of a parsed record (assigning it would set the prototype), so
 * the event would be accepted without it: refused instead, so nothing sent is silently lost.
 */
function reservedContextKeyError(input: unknown): EventFieldError | undefined {
  const context = (input as { context?: unknown } | null)?.context;
  if (typeof context !== 'object' || context === null) return undefined;
  return Object.hasOwn(context, '__proto__')
    ? { field: 'context.__proto__', message: 'context key __proto__ is reserved' }
    : undefined;
}

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);
const EVENT_KEYS: ReadonlySet<string> = new Set([
  'eventId',
  'userId',
  'itemId',
  'type',
  'value',
  'timestamp',
  'context',
]);

/**
 * True for a string of printable ASCII without surrounding spaces, 1 to `max` long: such a
 * string passes every rule of `id` (and of a context key or value) unchanged by its trim. Any
 * other string takes the schema's path, which decides.
 */
function plainAscii(value: unknown, min: number, max: number): value is string {
  if (typeof value !== 'string' || value.length < min || value.length > max) return false;
  for (let i = 0; i < value.length; i += 1) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return (
    value.length === 0 ||
    (value.charCodeAt(0) !== 0x20 && value.charCodeAt(value.length - 1) !== 0x20)
  );
}

function digits(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i += 1) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Epoch ms of `YYYY-MM-DDTHH:MM:SS.mmmZ` (what `toISOString` and Tailor's producers write) with
 * a real calendar date and a year from 1000; NaN for any other string, which the schema then
 * judges. Date.parse gives the same number for every string accepted here.
 */
function isoMillis(text: string): number {
  if (text.length !== 24) return Number.NaN;
  if (
    text.charCodeAt(4) !== 0x2d ||
    text.charCodeAt(7) !== 0x2d ||
    text.charCodeAt(10) !== 0x54 ||
    text.charCodeAt(13) !== 0x3a ||
    text.charCodeAt(16) !== 0x3a ||
    text.charCodeAt(19) !== 0x2e ||
    text.charCodeAt(23) !== 0x5a
  ) {
    return Number.NaN;
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const ms = digits(text, 20, 3);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || ms < 0) return Number.NaN;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return Number.NaN;
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!)) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/**
 * The event when `input` is valid in the plainest way (own keys of the contract only, ids and
 * context strings of printable ASCII, the timestamp as epoch ms or in `toISOString` form);
 * undefined when anything is otherwise, valid or not, and the schema must decide. Every input
 * this accepts, the schema accepts with the same result (a test compares them): zod costs
 * about 5 µs an event, most of what a consumer spends on one.
 */
function plainEvent(input: unknown): UserEvent | undefined {
  if (
    typeof input !== 'object' ||
    input === null ||
    Object.getPrototypeOf(input) !== Object.prototype
  ) {
    return undefined;
  }
  for (const key in input) if (!EVENT_KEYS.has(key)) return undefined;
  const { eventId, userId, itemId, type, value, timestamp, context } = input as Record<
    string,
    unknown
  >;
  const max = EVENT_LIMITS.idMaxLength;
  if (!plainAscii(eventId, 1, max) || !plainAscii(userId, 1, max)) return undefined;
  if (typeof type !== 'string' || !EVENT_TYPE_SET.has(type)) return undefined;
  const eventType = type as EventType;
  if (itemId === undefined ? !ITEM_OPTIONAL_TYPES.has(eventType) : !plainAscii(itemId, 1, max)) {
    return undefined;
  }
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
    return undefined;
  }
  if (eventType === 'rating') {
    if (value === undefined || value < EVENT_LIMITS.ratingMin || value > EVENT_LIMITS.ratingMax) {
      return undefined;
    }
  } else if (eventType === 'dwell') {
    if (value === undefined || value < 0 || value > EVENT_LIMITS.dwellMaxSeconds) return undefined;
  }
  let ms: number;
  if (typeof timestamp === 'number') {
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) return undefined;
    ms = timestamp;
  } else if (typeof timestamp === 'string') {
    ms = isoMillis(timestamp);
    if (Number.isNaN(ms)) return undefined;
  } else return undefined;
  let copied: Record<string, string> | undefined;
  if (context !== undefined) {
    if (
      typeof context !== 'object' ||
      context === null ||
      Object.getPrototypeOf(context) !== Object.prototype
    ) {
      return undefined;
    }
    copied = {};
    let entries = 0;
    for (const key in context) {
      const entry = (context as Record<string, unknown>)[key];
      entries += 1;
      if (
        entries > EVENT_LIMITS.contextMaxEntries ||
        key === '__proto__' ||
        !plainAscii(key, 0, EVENT_LIMITS.contextKeyMaxLength) ||
        !plainAscii(entry, 0, EVENT_LIMITS.contextValueMaxLength)
      ) {
        return undefined;
      }
      copied[key] = entry;
    }
  }
  const event: UserEvent = { eventId, userId, type: eventType, timestamp: ms };
  if (itemId !== undefined) event.itemId = itemId as string;
  if (value !== undefined) event.value = value;
  if (copied !== undefined) event.context = copied;
  return event;
}

/** The event unless its time breaks the bounds around `now`. */
function withinTime(event: UserEvent, now: number): EventValidation {
  const ms = event.timestamp;
  if (ms > now + EVENT_LIMITS.maxFutureSkewMs) {
    return {
      ok: false,
      errors: [{ field: 'timestamp', message: 'timestamp is more than 5 minutes in the future' }],
    };
  }
  if (ms < now - EVENT_LIMITS.maxAgeDays * 86_400_000) {
    return {
      ok: false,
      errors: [
        {
          field: 'timestamp',
          message: `timestamp is more than ${EVENT_LIMITS.maxAgeDays} days old`,
        },
      ],
    };
  }
  return { ok: true, event };
}

/**
 * Validates one event against the contract. `now` bounds timestamps (no far future, no ancient
 * past) so a clock bug in a producer cannot poison decayed profiles.
 */
export function validateUserEvent(input: unknown, now: number = Date.now()): EventValidation {
  const plain = plainEvent(input);
  return plain === undefined ? validateWithSchema(input, now) : withinTime(plain, now);
}

/**
 * {@link validateUserEvent} by the zod schema alone, for every input: what the fast path of
 * plain events must agree with (a test compares the two).
 */
export function validateWithSchema(input: unknown, now: number): EventValidation {
  const parsed = UserEventSchema.safeParse(input);
  const reserved = reservedContextKeyError(input);
  if (!parsed.success || reserved !== undefined) {
    return {
      ok: false,
      errors: [
        ...(reserved === undefined ? [] : [reserved]),
        ...(parsed.error?.issues ?? []).map((issue) => ({
          field: issue.path.map(String).join('.') || '(event)',
          message: issue.message,
        })),
      ],
    };
  }
  const data = parsed.data;
  const ms = typeof data.timestamp === 'number' ? data.timestamp : Date.parse(data.timestamp);
  const event: UserEvent = {
    eventId: data.eventId,
    userId: data.userId,
    type: data.type,
    timestamp: ms,
  };
  if (data.itemId !== undefined) event.itemId = data.itemId;
  if (data.value !== undefined) event.value = data.value;
  if (data.context !== undefined) event.context = data.context;
  return withinTime(event, now);
}

/** The wire form: timestamps as ISO-8601 so any consumer can read them. */
export function serializeUserEvent(event: UserEvent): string {
  return JSON.stringify({ ...event, timestamp: new Date(event.timestamp).toISOString() });
}

/** The contract as JSON Schema (draft 2020-12), for producers in other languages. */
export function userEventJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(UserEventSchema, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://tailor.dev/schemas/user-event.schema.json',
    title: 'Tailor user event',
    description: `One message on topic ${USER_EVENTS_TOPIC} (key = userId). Schema version ${USER_EVENT_SCHEMA_VERSION}.`,
  };
}
