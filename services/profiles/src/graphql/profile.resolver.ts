import 'reflect-metadata';

import { Arg, FieldResolver, Int, Resolver, Root } from 'type-graphql';

import { SUMMARY_LIMITS } from '../domain/summary.js';
import { LIST_DEFAULTS, listLength } from './arguments.js';
import { RecentInteraction, UserProfile, WeightedInterest } from './profile.type.js';

const firstDescription = (what: string) => `How many ${what}, 1 to ${SUMMARY_LIMITS.maxFirst}.`;

@Resolver(() => UserProfile)
export class UserProfileResolver {
  @FieldResolver(() => [WeightedInterest], {
    description: 'The categories the user is most drawn to, strongest first.',
  })
  topCategories(
    @Root() profile: UserProfile,
    @Arg('first', () => Int, {
      nullable: true,
      defaultValue: LIST_DEFAULTS.topCategories,
      description: firstDescription('categories'),
    })
    first: number | null,
  ): WeightedInterest[] {
    return profile.categories.slice(0, listLength(first, LIST_DEFAULTS.topCategories));
  }

  @FieldResolver(() => [WeightedInterest], {
    description: 'The tags the user is most drawn to, strongest first.',
  })
  topTags(
    @Root() profile: UserProfile,
    @Arg('first', () => Int, {
      nullable: true,
      defaultValue: LIST_DEFAULTS.topTags,
      description: firstDescription('tags'),
    })
    first: number | null,
  ): WeightedInterest[] {
    return profile.tags.slice(0, listLength(first, LIST_DEFAULTS.topTags));
  }

  @FieldResolver(() => [RecentInteraction], {
    description: 'The newest interactions with items, newest first (impressions are left out).',
  })
  recentItems(
    @Root() profile: UserProfile,
    @Arg('first', () => Int, {
      nullable: true,
      defaultValue: LIST_DEFAULTS.recentItems,
      description: firstDescription('interactions'),
    })
    first: number | null,
  ): RecentInteraction[] {
    return profile.interactions.slice(0, listLength(first, LIST_DEFAULTS.recentItems));
  }
}
