import 'reflect-metadata';

import { authorizeUser, clientErrors, type RequestContext } from '@tailor/kit';
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';

import { RECOMMENDATION_LIMITS } from '../domain/request.js';
import { RecommendationService } from '../recommendation.service.js';
import { RecommendationContextInput } from './recommendation.input.js';
import { RecommendationList } from './recommendation.type.js';
import { User } from './user.type.js';

const L = RECOMMENDATION_LIMITS;

@Resolver(() => User)
export class UserResolver {
  constructor(private readonly service: RecommendationService) {}

  @FieldResolver(() => RecommendationList, {
    description:
      'A fresh list of recommendations for this user; each call is a new list with its own ' +
      'recommendationId, recorded as impressions.',
  })
  async recommendations(
    @Root() user: User,
    @Arg('first', () => Int, {
      nullable: true,
      defaultValue: L.defaultFirst,
      description: `How many items, 1 to ${L.maxFirst}.`,
    })
    first: number | null,
    @Arg('context', () => RecommendationContextInput, {
      nullable: true,
      description: 'Where and how the list will be shown.',
    })
    context: RecommendationContextInput | null,
    @Ctx() request: RequestContext,
  ): Promise<RecommendationList> {
    // The gateway reaches a User from other subgraphs' fields too, so the check is here.
    authorizeUser(request.viewer, user.id, 'read the recommendations');
    return clientErrors(() =>
      this.service.recommend(user.id, first ?? L.defaultFirst, context, request.signal),
    );
  }
}
