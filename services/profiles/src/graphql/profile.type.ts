import 'reflect-metadata';

import { EventTypeValue } from '@tailor/kit';
import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';

import { Item } from './item.type.js';

@ObjectType('WeightedInterest', { description: 'A category or tag the user is drawn to.' })
export class WeightedInterest {
  @Field(() => String, { description: 'The category or tag.' })
  name!: string;

  @Field(() => Float, {
    description:
      "Its share of the user's interest, 0 to 1, decayed to now: the shares of all the " +
      "user's categories (or tags) sum to 1, so clients can draw them as bars.",
  })
  weight!: number;
}

@ObjectType('EventTypeCount', { description: 'How many events of one type a profile holds.' })
export class EventTypeCount {
  @Field(() => EventTypeValue, { description: 'The event type.' })
  type!: EventTypeValue;

  @Field(() => Int, { description: 'Events of that type applied (each eventId once).' })
  count!: number;
}

@ObjectType('RecentInteraction', { description: 'Something the user did with an item lately.' })
export class RecentInteraction {
  @Field(() => Item, { description: 'The item.' })
  item!: Item;

  @Field(() => EventTypeValue, { description: 'What the user did.' })
  type!: EventTypeValue;

  @Field(() => GraphQLISODateTime, { description: 'When, as the event said.' })
  at!: Date;
}

@ObjectType('UserProfile', {
  description: "What Tailor has learnt from a user's behaviour. Empty for a user never seen.",
})
export class UserProfile {
  @Field(() => ID, { description: 'Whose profile this is.' })
  userId!: string;

  @Field(() => Int, {
    description: 'Behaviour events applied (impressions are counted apart); each eventId once.',
  })
  eventCount!: number;

  @Field(() => Int, {
    description:
      "Impressions applied: times items were shown to the user. Generation's logged variant choices are impressions too but not counted: the item's own impression counted the showing.",
  })
  impressionCount!: number;

  @Field(() => Boolean, {
    description: 'True while no positive signal (a view, like, purchase…) on a known item is held.',
  })
  isColdStart!: boolean;

  @Field(() => [EventTypeCount], {
    description: 'Events applied by type; types without any are left out.',
  })
  countsByType!: EventTypeCount[];

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'Time of the newest event applied; null before any.',
  })
  lastEventAt!: Date | null;

  /** Every category held, strongest first; sliced by `topCategories(first)`. */
  categories!: WeightedInterest[];
  /** Every tag held, strongest first; sliced by `topTags(first)`. */
  tags!: WeightedInterest[];
  /** Newest first; sliced by `recentItems(first)`. */
  interactions!: RecentInteraction[];
}
