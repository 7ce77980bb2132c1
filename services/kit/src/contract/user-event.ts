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

/**
 * Validates one event against the contract. `now` bounds timestamps (no far future, no ancient
 * past) so a clock bug in a producer cannot poison decayed profiles.
 */
export function validateUserEvent(input: unknown, now: number = Date.now()): EventValidation {
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
  const event: UserEvent = {
    eventId: data.eventId,
    userId: data.userId,
    type: data.type,
    timestamp: ms,
  };
  if (data.itemId !== undefined) event.itemId = data.itemId;
  if (data.value !== undefined) event.value = data.value;
  if (data.context !== undefined) event.context = data.context;
  return { ok: true, event };
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
