import { randomUUID } from 'node:crypto';

import {
  type EventBus,
  type EventValidation,
  HEADER_REQUEST_ID,
  type Logger,
  publishUserEvents,
  TailorError,
  type UserKeyVault,
} from '@tailor/kit';

import type { IngestBackpressure } from './backpressure.js';
import { type IndexedFieldError, validateBatch } from './domain/batch.js';
import type { MappingClock } from './domain/event-input.js';
import type { IntakeLimits } from './domain/limits.js';
import type { EventMetrics } from './metrics.js';

/** A batch holds more events than the limit; nothing of it was published. */
export class BatchTooLargeError extends TailorError {
  constructor(
    readonly size: number,
    readonly maxBatchSize: number,
  ) {
    super(`a batch may hold at most ${maxBatchSize} events, got ${size}`, { retriable: false });
  }
}

/** The bus refused the batch; nothing of it was accepted and the client may send it again. */
export class EventsUnavailableError extends TailorError {
  constructor(cause: unknown) {
    super('events could not be published; nothing was accepted, send them again later', {
      retriable: true,
      cause,
    });
  }
}

/** What a batch came to: the accepted events' ids in input order and why the others were not. */
export interface RecordedEvents {
  accepted: number;
  eventIds: string[];
  errors: IndexedFieldError[];
}

/** How {@link EventIntakeService.record} publishes a batch. */
export interface RecordOptions {
  /** Travels with each published event as its `request-id` header. */
  requestId?: string | undefined;
  /**
   * Stamp each message with its event's own time, as a history import does: consumers judge an
   * event's age by its message's time, so years-old events pass as what they are, a backfill.
   */
  atEventTime?: boolean;
}

/** Options of {@link EventIntakeService}. */
export interface EventIntakeOptions {
  bus: EventBus;
  logger: Logger;
  limits: IntakeLimits;
  metrics: EventMetrics;
  /** Seals each event with its user's key; without one, events are published in the clear. */
  vault?: UserKeyVault;
  /** Refuses whole batches while the profile updater is too far behind; none: never. */
  backpressure?: IngestBackpressure;
  /** Epoch milliseconds; tests may fix it. */
  now?: () => number;
  newEventId?: () => string;
}

/**
 * Validates batches of events and publishes the valid ones to `user-events` in one call, so
 * GraphQL and REST behave the same. Accepted means durably published: a bus failure accepts
 * nothing and says so, it never reports events that were not stored.
 */
export class EventIntakeService {
  readonly limits: IntakeLimits;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly newEventId: () => string;

  constructor(private readonly options: EventIntakeOptions) {
    this.limits = options.limits;
    this.log = options.logger.child({ component: 'event-intake' });
    this.now = options.now ?? Date.now;
    this.newEventId = options.newEventId ?? randomUUID;
  }

  /**
   * Records a batch. Throws {@link BatchTooLargeError} before looking at any event when the
   * batch is over the limit, `IngestBackloggedError` (nothing published) when its valid events
   * would take the profile updater's lag past its bound, and {@link EventsUnavailableError}
   * when publishing fails.
   */
  async record<T>(
    inputs: readonly T[],
    toEvent: (input: T, clock: MappingClock) => EventValidation,
    options: RecordOptions = {},
  ): Promise<RecordedEvents> {
    const { requestId } = options;
    if (inputs.length > this.limits.maxBatchSize) {
      throw new BatchTooLargeError(inputs.length, this.limits.maxBatchSize);
    }
    const clock: MappingClock = { now: this.now(), newEventId: this.newEventId };
    const batch = validateBatch(inputs, (input) => toEvent(input, clock));
    const { received } = this.options.metrics;
    // Refused before anything is counted or published: the producer sends the same batch again.
    this.options.backpressure?.reserve(batch.accepted.length);
    if (batch.rejected > 0) received.inc({ outcome: 'rejected' }, batch.rejected);
    try {
      await publishUserEvents(this.options.bus, batch.accepted, {
        atEventTime: options.atEventTime === true,
        ...(requestId === undefined ? {} : { headers: { [HEADER_REQUEST_ID]: requestId } }),
        ...(this.options.vault === undefined ? {} : { vault: this.options.vault }),
      });
    } catch (err) {
      this.options.backpressure?.settle(batch.accepted.length, false);
      this.log.error({ err, events: batch.accepted.length }, 'publishing events failed');
      throw new EventsUnavailableError(err);
    }
    this.options.backpressure?.settle(batch.accepted.length, true);
    if (batch.accepted.length > 0) received.inc({ outcome: 'accepted' }, batch.accepted.length);
    this.log.debug(
      { accepted: batch.accepted.length, rejected: batch.rejected, duplicates: batch.duplicates },
      'events recorded',
    );
    return {
      accepted: batch.accepted.length,
      eventIds: batch.accepted.map((event) => event.eventId),
      errors: batch.errors,
    };
  }
}
