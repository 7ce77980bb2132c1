import 'reflect-metadata';

import { authorizeUser, type EventTypeValue, type RequestContext } from '@tailor/kit';
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';

import type { ProfileSummary } from '../domain/summary.js';
import type { ProfileEraser, ProfileReader } from '../profile.service.js';
import { userIdArgument } from './arguments.js';
import { UserProfile } from './profile.type.js';
import { ForgetUserResult, User } from './user.type.js';

/** The GraphQL view of a summary; lists stay whole until a field slices them. */
export function toUserProfile(summary: ProfileSummary): UserProfile {
  return {
    userId: summary.userId,
    eventCount: summary.eventCount,
    impressionCount: summary.impressionCount,
    isColdStart: summary.isColdStart,
    countsByType: summary.countsByType.map((c) => ({
      type: c.type as EventTypeValue,
      count: c.count,
    })),
    lastEventAt: summary.lastEventAt === null ? null : new Date(summary.lastEventAt),
    categories: summary.categories,
    tags: summary.tags,
    interactions: summary.recentItems.map((r) => ({
      item: { id: r.itemId },
      type: r.type as EventTypeValue,
      at: new Date(r.at),
    })),
  };
}

@Resolver(() => User)
export class UserResolver {
  constructor(private readonly profiles: ProfileReader & ProfileEraser) {}

  @Query(() => User, {
    description: 'The user with this id. Any id is a user: one never seen has an empty profile.',
  })
  user(
    @Arg('id', () => ID, { description: 'The id events carry as userId.' }) id: string,
    @Ctx() context: RequestContext,
  ): User {
    const userId = userIdArgument(id, 'id');
    authorizeUser(context.viewer, userId, 'read the data');
    return { id: userId };
  }

  @FieldResolver(() => UserProfile, {
    nullable: true,
    description:
      "What Tailor has learnt from the user's behaviour, weights decayed to now. Null, with a " +
      'SERVICE_UNAVAILABLE error carrying retryAfterSeconds, while the profiles cannot be read ' +
      '(their store is down): the rest of the user (e.g. recommendations, then a labelled ' +
      'fallback) still answers.',
  })
  async profile(@Root() user: User, @Ctx() context: RequestContext): Promise<UserProfile> {
    // Checked here too: the gateway may reach a User through another subgraph's field.
    authorizeUser(context.viewer, user.id, 'read the profile');
    return toUserProfile(await this.profiles.read(user.id));
  }

  @Mutation(() => ForgetUserResult, {
    description:
      'Erases the profile and history held for the user. Events sent afterwards start a fresh ' +
      'profile; events from before are not applied again.',
  })
  async forgetUser(
    @Arg('userId', () => ID, { description: 'The user to forget.' }) userId: string,
    @Ctx() context: RequestContext,
  ): Promise<ForgetUserResult> {
    authorizeUser(context.viewer, userIdArgument(userId, 'userId'), 'erase the data');
    const forgotten = await this.profiles.forget(userId);
    return { userId, forgotten };
  }
}
