import 'reflect-metadata';

import { authorizeUser, clientErrors, type RequestContext } from '@tailor/kit';
import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';

import { RECOMMENDATION_LIMITS } from '../domain/request.js';
import { RecommendationService } from '../recommendation.service.js';
import { RecommendationContextInput } from './recommendation.input.js';
import { RecommendationList, SimilarItem, TrendingItem } from './recommendation.type.js';

const L = RECOMMENDATION_LIMITS;

const firstOptions = (what: string) => ({
  nullable: true,
  defaultValue: L.defaultFirst,
  description: `How many ${what}, 1 to ${L.maxFirst}.`,
});

@Resolver()
export class RecommendationResolver {
  constructor(private readonly service: RecommendationService) {}

  @Query(() => RecommendationList, {
    description:
      'A fresh list of recommendations for a user (personalized, or trending on cold start); ' +
      'each call is a new list with its own recommendationId, recorded as impressions.',
  })
  async recommendations(
    @Arg('userId', () => ID, { description: 'Whose list; any id, known or not.' }) userId: string,
    @Arg('first', () => Int, firstOptions('items')) first: number | null,
    @Arg('context', () => RecommendationContextInput, {
      nullable: true,
      description: 'Where and how the list will be shown.',
    })
    context: RecommendationContextInput | null,
    @Ctx() request: RequestContext,
  ): Promise<RecommendationList> {
    authorizeUser(request.viewer, userId, 'read the recommendations');
    return clientErrors(() =>
      this.service.recommend(userId, first ?? L.defaultFirst, context, request.signal),
    );
  }

  @Query(() => [SimilarItem], {
    description:
      'In-stock items closest in content to the given one, itself excluded, best first. ' +
      'NOT_FOUND when the item is unknown.',
  })
  async similarItems(
    @Arg('itemId', () => ID, { description: 'The item to find neighbours of.' }) itemId: string,
    @Arg('first', () => Int, firstOptions('items')) first: number | null,
  ): Promise<SimilarItem[]> {
    return clientErrors(() => this.service.similarItems(itemId, first ?? L.defaultFirst));
  }

  @Query(() => [TrendingItem], {
    description: 'In-stock items with the most recent interactions, highest decayed count first.',
  })
  async trendingItems(
    @Arg('first', () => Int, firstOptions('items')) first: number | null,
    @Arg('category', () => String, {
      nullable: true,
      description: 'Only items of this category (case-insensitive).',
    })
    category: string | null,
  ): Promise<TrendingItem[]> {
    return clientErrors(() => this.service.trendingItems(first ?? L.defaultFirst, category));
  }
}
