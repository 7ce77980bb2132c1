import type { EventValidation, UserEvent } from '@tailor/kit';

/** Why one event of a batch was refused: its position, the field and what is wrong. */
export interface IndexedFieldError {
  /** Position of the event in the batch, from 0. */
  index: number;
  field: string;
  message: string;
}

/** A batch split into the events that keep the contract and the reasons for the rest. */
export interface ValidatedBatch {
  /** Valid events in input order. */
  accepted: UserEvent[];
  errors: IndexedFieldError[];
  /** How many events were refused (one event may have several errors). */
  rejected: number;
  /**
   * Valid events whose eventId came earlier in the same batch: the profiles would apply them
   * once, so they are published and counted once.
   */
  duplicates: number;
}

/** Validates every event of a batch; one bad event never hides the others' results. */
export function validateBatch<T>(
  inputs: readonly T[],
  toEvent: (input: T) => EventValidation,
): ValidatedBatch {
  const batch: ValidatedBatch = { accepted: [], errors: [], rejected: 0, duplicates: 0 };
  const eventIds = new Set<string>();
  inputs.forEach((input, index) => {
    const result = toEvent(input);
    if (result.ok) {
      if (eventIds.has(result.event.eventId)) {
        batch.duplicates += 1;
        return;
      }
      eventIds.add(result.event.eventId);
      batch.accepted.push(result.event);
      return;
    }
    batch.rejected += 1;
    for (const error of result.errors) batch.errors.push({ index, ...error });
  });
  return batch;
}

/** The shapes a REST body may take, resolved to its list of events. */
export type BodyEvents = { ok: true; events: unknown[] } | { ok: false; message: string };

/**
 * Reads the events of a parsed REST body: a JSON array of events, `{ "events": [...] }`, or a
 * single event object.
 */
export function eventsOfBody(json: unknown): BodyEvents {
  if (Array.isArray(json)) return { ok: true, events: json };
  if (typeof json === 'object' && json !== null) {
    if (!('events' in json)) return { ok: true, events: [json] };
    const { events } = json as { events: unknown };
    return Array.isArray(events)
      ? { ok: true, events }
      : { ok: false, message: '"events" must be a JSON array of events' };
  }
  return {
    ok: false,
    message:
      'body must be a JSON array of events, an object { "events": [...] } or one event object',
  };
}
