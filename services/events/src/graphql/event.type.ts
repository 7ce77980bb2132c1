import 'reflect-metadata';

import { Field, ID, Int, ObjectType } from 'type-graphql';

import type { IndexedFieldError } from '../domain/batch.js';
import type { IntakeLimits } from '../domain/limits.js';

@ObjectType('EventInputError', { description: 'Why one event of a batch was refused.' })
export class EventInputError implements IndexedFieldError {
  @Field(() => Int, { description: 'Position of the event in the batch, from 0.' })
  index!: number;

  @Field(() => String, {
    description: 'The input field at fault, e.g. "itemId" or "context.extra.2.value".',
  })
  field!: string;

  @Field(() => String, { description: 'What is wrong, in words.' })
  message!: string;
}

@ObjectType('RecordEventsResult', { description: 'What a batch of events came to.' })
export class RecordEventsResult {
  @Field(() => Int, { description: 'How many events were accepted and published.' })
  accepted!: number;

  @Field(() => [ID], { description: 'Ids of the accepted events, in input order.' })
  eventIds!: string[];

  @Field(() => [EventInputError], { description: 'Why the other events were refused.' })
  errors!: EventInputError[];
}

@ObjectType('EventLimits', { description: 'Limits every batch and event must respect.' })
export class EventLimits implements IntakeLimits {
  @Field(() => Int, { description: 'Most events in one batch.' })
  maxBatchSize!: number;

  @Field(() => Int, { description: 'Largest request body, in bytes.' })
  maxBodyBytes!: number;

  @Field(() => Int, { description: 'Longest eventId, userId or itemId, in characters.' })
  maxIdLength!: number;

  @Field(() => Int, { description: 'Most entries in an event context, named fields included.' })
  maxContextEntries!: number;

  @Field(() => Int, { description: 'Longest context value, in characters.' })
  maxContextValueLength!: number;
}
