import 'reflect-metadata';

import { Field, Float, ID, InputType } from 'type-graphql';

import { RECOMMENDATION_LIMITS } from '../domain/request.js';

const L = RECOMMENDATION_LIMITS;

@InputType('RecommendationContextInput', {
  description: 'Where and how a recommendation list will be shown.',
})
export class RecommendationContextInput {
  @Field(() => String, {
    nullable: true,
    description: 'Only items of this category (case-insensitive).',
  })
  category?: string | null;

  @Field(() => [ID], {
    nullable: true,
    description: `Items not to recommend, e.g. those already on the page; at most ${L.maxExcludeItemIds}.`,
  })
  excludeItemIds?: string[] | null;

  @Field(() => String, {
    nullable: true,
    description: `Where the list is shown (e.g. "home"), recorded with impressions; "api" when absent; at most ${L.surfaceMaxLength} characters.`,
  })
  surface?: string | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'From 0 (rank by score only) to 1 (favour variety most); the service default when absent.',
  })
  diversity?: number | null;
}
