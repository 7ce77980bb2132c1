import 'reflect-metadata';

import {
  authorizeService,
  BadUserInputError,
  type RequestContext,
  requireAuthenticated,
} from '@tailor/kit';
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';

import { IngestBackloggedError } from '../backpressure.js';
import { eventFromFields, importedEventFromFields } from '../domain/event-input.js';
import { ownEventsOnly } from '../domain/ownership.js';
import {
  BatchTooLargeError,
  EventIntakeService,
  EventsUnavailableError,
} from '../event-intake.service.js';
import { UserEventInput } from './event.input.js';
import { EventLimits, RecordEventsResult } from './event.type.js';
import { OverloadedError, ServiceUnavailableError } from './service-unavailable.error.js';

@Resolver()
export class EventResolver {
  constructor(private readonly intake: EventIntakeService) {}

  @Mutation(() => RecordEventsResult, {
    description:
      'Records a batch of behaviour events: valid ones are published to user-events, the others ' +
      'are listed in errors. With a user token, events for another user are refused one by ' +
      'one (an error on userId) and the rest go through. Fails as a whole (nothing accepted) ' +
      'when the batch is too large (BAD_USER_INPUT), the event bus is unavailable ' +
      '(SERVICE_UNAVAILABLE), or the profile updater is too far behind (OVERLOADED with ' +
      'retryAfterSeconds: send the same batch again after that long).',
  })
  async recordEvents(
    @Arg('events', () => [UserEventInput], {
      description: 'The events, at most EventLimits.maxBatchSize of them.',
    })
    events: UserEventInput[],
    @Ctx() context: RequestContext,
  ): Promise<RecordEventsResult> {
    const { viewer } = context;
    requireAuthenticated(viewer, 'record events');
    return this.recordOrExplain(() =>
      this.intake.record(
        events,
        (input, clock) => ownEventsOnly(viewer, eventFromFields(input, clock)),
        { requestId: context.requestId },
      ),
    );
  }

  @Mutation(() => RecordEventsResult, {
    description:
      'Imports a batch of past behaviour events, e.g. years of history when moving to Tailor. ' +
      'Each event must carry its timestamp and keeps it: it counts as having happened then, ' +
      'with no age limit (none may lie in the future). An event without an eventId gets one ' +
      'derived from its content, so importing the same file twice records each event once. ' +
      'Valid events are published, the others listed in errors with their index. Service ' +
      'tokens only; the same batch limit as recordEvents. The CLI `npm run import-events` ' +
      'streams a CSV or JSONL file through it.',
  })
  async importEvents(
    @Arg('events', () => [UserEventInput], {
      description: 'The events, at most EventLimits.maxBatchSize of them, each with its timestamp.',
    })
    events: UserEventInput[],
    @Ctx() context: RequestContext,
  ): Promise<RecordEventsResult> {
    authorizeService(context.viewer, 'import events');
    return this.recordOrExplain(() =>
      this.intake.record(events, importedEventFromFields, {
        requestId: context.requestId,
        atEventTime: true,
      }),
    );
  }

  /** The intake's refusals of a whole batch, as GraphQL errors with codes. */
  private async recordOrExplain(
    record: () => Promise<RecordEventsResult>,
  ): Promise<RecordEventsResult> {
    try {
      return await record();
    } catch (err) {
      if (err instanceof BatchTooLargeError) throw new BadUserInputError(err.message, 'events');
      if (err instanceof EventsUnavailableError) throw new ServiceUnavailableError(err.message);
      if (err instanceof IngestBackloggedError) {
        throw new OverloadedError(err.message, err.retryAfterSeconds);
      }
      throw err;
    }
  }

  @Query(() => EventLimits, { description: 'The limits batches and events must respect.' })
  eventLimits(): EventLimits {
    return this.intake.limits;
  }
}
