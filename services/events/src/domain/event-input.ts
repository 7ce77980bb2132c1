import { createHash } from 'node:crypto';

import {
  EVENT_LIMITS,
  type EventFieldError,
  type EventType,
  type EventTypeValue,
  type EventValidation,
  validateUserEvent,
} from '@tailor/kit';

/** What a mapping may not decide by itself: the time and new event ids. */
export interface MappingClock {
  /** Epoch milliseconds; the default timestamp and the bound for far-future or ancient events. */
  now: number;
  /** A fresh, unique event id for events sent without one. */
  newEventId: () => string;
}

/** One free-form context entry as the GraphQL input carries it. */
export interface ContextEntryFields {
  key: string;
  value: string;
}

/** The context of an event as the GraphQL input carries it; `null` means absent. */
export interface EventContextFields {
  surface?: string | null;
  recommendationId?: string | null;
  creativeId?: string | null;
  device?: string | null;
  extra?: readonly ContextEntryFields[] | null;
}

/** One event as the GraphQL input carries it; `null` means absent. */
export interface EventFields {
  eventId?: string | null;
  userId: string;
  itemId?: string | null;
  type: EventType | EventTypeValue;
  value?: number | null;
  /** ISO-8601 with offset, or epoch milliseconds as digits; absent means now. */
  timestamp?: string | null;
  context?: EventContextFields | null;
}

/** Context keys the GraphQL input names as fields; they keep these names in the contract map. */
export const WELL_KNOWN_CONTEXT_KEYS = [
  'surface',
  'recommendationId',
  'creativeId',
  'device',
] as const;

const EPOCH_MS_DIGITS = /^\d+$/;

interface FlatContext {
  entries: Map<string, string>;
  /** Contract map key → the input field it came from, to name that field in errors. */
  origins: Map<string, string>;
  errors: EventFieldError[];
}

function flattenContext(context: EventContextFields): FlatContext {
  const flat: FlatContext = { entries: new Map(), origins: new Map(), errors: [] };
  for (const key of WELL_KNOWN_CONTEXT_KEYS) {
    const value = context[key];
    if (value === undefined || value === null) continue;
    flat.entries.set(key, value);
    flat.origins.set(key, `context.${key}`);
  }
  (context.extra ?? []).forEach((entry, index) => {
    const at = `context.extra.${index}`;
    if (entry.key.length > EVENT_LIMITS.contextKeyMaxLength) {
      // Checked here because the contract reports a bad record key without saying why.
      flat.errors.push({
        field: `${at}.key`,
        message: `context keys must be at most ${EVENT_LIMITS.contextKeyMaxLength} characters`,
      });
      return;
    }
    if (flat.entries.has(entry.key)) {
      flat.errors.push({
        field: `${at}.key`,
        message: `context key ${JSON.stringify(entry.key)} is given more than once`,
      });
      return;
    }
    flat.entries.set(entry.key, entry.value);
    flat.origins.set(entry.key, `${at}.value`);
  });
  return flat;
}

function timestampOf(
  given: string | null | undefined,
  now: number,
): number | string | EventFieldError {
  if (given === undefined || given === null) return now;
  if (!EPOCH_MS_DIGITS.test(given)) return given;
  const ms = Number(given);
  return Number.isSafeInteger(ms)
    ? ms
    : { field: 'timestamp', message: 'timestamp is too large for epoch milliseconds' };
}

/** Contract fields are named like the input's, except context keys, which name their entry. */
function inputFieldOf(contractField: string, origins: ReadonlyMap<string, string>): string {
  if (!contractField.startsWith('context.')) return contractField;
  return origins.get(contractField.slice('context.'.length)) ?? contractField;
}

/**
 * Maps one GraphQL event input to the contract and validates it: generates a missing eventId,
 * defaults the timestamp to now, reads digit-only timestamps as epoch milliseconds and flattens
 * the context to the contract's string map. Errors name the input's fields
 * (`context.extra.2.value`), so a client can point at what to fix.
 */
export function eventFromFields(fields: EventFields, clock: MappingClock): EventValidation {
  const errors: EventFieldError[] = [];
  const candidate: Record<string, unknown> = {
    eventId: fields.eventId ?? clock.newEventId(),
    userId: fields.userId,
    type: `${fields.type}`,
  };
  if (fields.itemId !== undefined && fields.itemId !== null) candidate.itemId = fields.itemId;
  if (fields.value !== undefined && fields.value !== null) candidate.value = fields.value;

  const timestamp = timestampOf(fields.timestamp, clock.now);
  if (typeof timestamp === 'object') errors.push(timestamp);
  else candidate.timestamp = timestamp;

  let origins: ReadonlyMap<string, string> = new Map();
  if (fields.context !== undefined && fields.context !== null) {
    const flat = flattenContext(fields.context);
    errors.push(...flat.errors);
    origins = flat.origins;
    // fromEntries defines own properties, so a key such as `__proto__` stays a plain entry.
    if (flat.entries.size > 0) candidate.context = Object.fromEntries(flat.entries);
  }

  const result = validateUserEvent(candidate, clock.now);
  if (result.ok && errors.length === 0) return result;
  const contractErrors = result.ok ? [] : result.errors;
  return {
    ok: false,
    errors: [
      ...errors,
      ...contractErrors
        // A refused timestamp was left out above; the contract's "required" adds nothing.
        .filter((error) => !(error.field === 'timestamp' && candidate.timestamp === undefined))
        .map((error) => ({ ...error, field: inputFieldOf(error.field, origins) })),
    ],
  };
}

/**
 * Validates one event in the contract's JSON form (REST, beacons). Only `eventId` (generated)
 * and `timestamp` (now) may be left out; everything else is the contract as is.
 */
export function eventFromJson(json: unknown, clock: MappingClock): EventValidation {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, errors: [{ field: '(event)', message: 'an event must be a JSON object' }] };
  }
  const candidate: Record<string, unknown> = { ...json };
  if (candidate.eventId === undefined) candidate.eventId = clock.newEventId();
  if (candidate.timestamp === undefined) candidate.timestamp = clock.now;
  return validateUserEvent(candidate, clock.now);
}

/** Epoch milliseconds of a timestamp as the input gives it, NaN when it is not one. */
function millisecondsOf(given: string): number {
  return EPOCH_MS_DIGITS.test(given) ? Number(given) : Date.parse(given);
}

/**
 * An id for an imported event sent without one, derived from what the event says, so that
 * importing the same file twice records each event once (consumers drop repeated ids).
 */
export function importedEventId(fields: EventFields, ms: number): string {
  const digest = createHash('sha256')
    .update(
      JSON.stringify([
        fields.userId,
        fields.itemId ?? null,
        `${fields.type}`,
        fields.value ?? null,
        ms,
      ]),
    )
    .digest('hex');
  return `imported-${digest.slice(0, 40)}`;
}

/**
 * Maps one event of a history import. Unlike a live event it must say when it happened, and it
 * may be of any age: the live contract's age limit guards decayed profiles against producers'
 * clock bugs, which an import of years of history is not. It may still not lie in the future.
 * Without an eventId it gets {@link importedEventId}.
 */
export function importedEventFromFields(fields: EventFields, clock: MappingClock): EventValidation {
  if (fields.timestamp === undefined || fields.timestamp === null) {
    return {
      ok: false,
      errors: [{ field: 'timestamp', message: 'an imported event needs the time it happened' }],
    };
  }
  const ms = millisecondsOf(fields.timestamp);
  // Judged as of the moment it happened (so no age limit), or now when that is later than now.
  const reference = Number.isFinite(ms) ? Math.min(ms, clock.now) : clock.now;
  const eventId =
    fields.eventId ?? (Number.isFinite(ms) ? importedEventId(fields, ms) : clock.newEventId());
  return eventFromFields({ ...fields, eventId }, { now: reference, newEventId: clock.newEventId });
}
