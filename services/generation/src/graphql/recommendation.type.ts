import 'reflect-metadata';

import { Directive, Field, ID, ObjectType } from 'type-graphql';

import { Item } from './item.type.js';

/** The recommender's recommendation, extended here with generated copy and a thumbnail. */
@ObjectType('Recommendation', {
  description: 'One recommended item for one user, in one served list.',
})
@Directive('@key(fields: "recommendationId userId item { id }")')
export class Recommendation {
  @Field(() => ID, { description: 'Id of the served list this recommendation belongs to.' })
  recommendationId!: string;

  @Field(() => ID, { description: 'The user the list was served to.' })
  userId!: string;

  @Field(() => Item, { description: 'The recommended item.' })
  item!: Item;
}

/** What the gateway sends to resolve a `Recommendation` from the recommender. */
export interface RecommendationReference {
  recommendationId: string;
  userId: string;
  item: { id: string };
}
