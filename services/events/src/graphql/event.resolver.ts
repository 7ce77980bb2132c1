import 'reflect-metadata';

import { BadUserInputError, type RequestContext, requireAuthenticated } from '@tailor/kit';
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';

import { eventFromFields } from '../domain/event-input.js';
import { ownEventsOnly } from '../domain/ownership.js';
import {
  BatchTooLargeError,
  EventIntakeService,
  EventsUnavailableError,
} from '../event-intake.service.js';
import { UserEventInput } from './event.input.js';
import { EventLimits, RecordEventsResult } from './event.type.js';
import { ServiceUnavailableError } from './service-unavailable.error.js';

@Resolver()
export class EventResolver {
  constructor(private readonly intake: EventIntakeService) {}

  @Mutation(() => RecordEventsResult, {
    description:
      'Records a batch of behaviour events: valid ones are published to user-events, the others ' +
      'are listed in errors. With a user token, events for another user are refused one by ' +
      'one (an error on userId) and the rest go through. Fails as a whole (nothing accepted) ' +
      'when the batch is too large or the event bus is unavailable.',
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
    try {
      return await this.intake.record(
        events,
        (input, clock) => ownEventsOnly(viewer, eventFromFields(input, clock)),
        context.requestId,
      );
    } catch (err) {
      if (err instanceof BatchTooLargeError) throw new BadUserInputError(err.message, 'events');
      if (err instanceof EventsUnavailableError) throw new ServiceUnavailableError(err.message);
      throw err;
    }
  }

  @Query(() => EventLimits, { description: 'The limits batches and events must respect.' })
  eventLimits(): EventLimits {
    return this.intake.limits;
  }
}
