import 'reflect-metadata';

import { Directive, Field, ID, ObjectType } from 'type-graphql';

import { Item } from './item.type.js';

/** The recommender's recommendation, extended here with generated copy and a thumbnail. */
@ObjectType('Recommendation', {
  description: 'One recommended item for one user, in one served list.',
})
// The surface is part of the key so every representation carries it: the bandit learns per
// surface, and a list's items are shown where the list is.
@Directive('@key(fields: "recommendationId userId item { id } surface")')
export class Recommendation {
  @Field(() => ID, { description: 'Id of the served list this recommendation belongs to.' })
  recommendationId!: string;

  @Field(() => ID, { description: 'The user the list was served to.' })
  userId!: string;

  @Field(() => Item, { description: 'The recommended item.' })
  item!: Item;

  @Field(() => String, {
    description:
      'Where the list is shown: the context.surface it was asked for (e.g. "home"), "api" when it said none. Its impressions carry it, and generation\'s bandit learns per surface.',
  })
  surface!: string | null;
}

/** What the gateway sends to resolve a `Recommendation` from the recommender. */
export interface RecommendationReference {
  recommendationId: string;
  userId: string;
  item: { id: string };
  /** Absent from a caller that builds representations by hand (a bench, a test). */
  surface?: string;
}
