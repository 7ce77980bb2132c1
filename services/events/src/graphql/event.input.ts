import 'reflect-metadata';

import { EventTypeValue } from '@tailor/kit';
import { Field, Float, ID, InputType } from 'type-graphql';

import type { ContextEntryFields, EventContextFields, EventFields } from '../domain/event-input.js';

@InputType('ContextEntryInput', { description: 'One free-form context entry.' })
export class ContextEntryInput implements ContextEntryFields {
  @Field(() => String, { description: 'Key; unique within the event context.' })
  key!: string;

  @Field(() => String, { description: 'Value.' })
  value!: string;
}

@InputType('EventContextInput', {
  description: 'Where and how the behaviour happened; flattened to the contract string map.',
})
export class EventContextInput implements EventContextFields {
  @Field(() => String, { nullable: true, description: 'Screen or slot, e.g. "home" or "pdp".' })
  surface?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The recommendation list the item was picked from, if any.',
  })
  recommendationId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The generated creative that was shown.' })
  creativeId?: string | null;

  @Field(() => String, { nullable: true, description: 'Device class, e.g. "mobile".' })
  device?: string | null;

  @Field(() => [ContextEntryInput], {
    nullable: true,
    description: 'Further entries; each key once, and none repeating a named field that is set.',
  })
  extra?: ContextEntryInput[] | null;
}

@InputType('UserEventInput', {
  description: 'One behaviour event, as in the user-events contract.',
})
export class UserEventInput implements EventFields {
  @Field(() => ID, {
    nullable: true,
    description: 'Unique id for idempotency; a UUID is generated when absent.',
  })
  eventId?: string | null;

  @Field(() => ID, { description: 'Whose behaviour this is.' })
  userId!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The item acted on; absent only for impressions.',
  })
  itemId?: string | null;

  @Field(() => EventTypeValue, { description: 'What the user did.' })
  type!: EventTypeValue;

  @Field(() => Float, {
    nullable: true,
    description: 'Rating (0 to 5) for RATING events, seconds for DWELL events.',
  })
  value?: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      'When it happened: ISO-8601 with offset, or epoch milliseconds as digits. Default now.',
  })
  timestamp?: string | null;

  @Field(() => EventContextInput, { nullable: true, description: 'Where and how it happened.' })
  context?: EventContextInput | null;
}
