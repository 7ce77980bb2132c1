import 'reflect-metadata';

import { authorizeUser, type RequestContext } from '@tailor/kit';
import { Arg, Ctx, FieldResolver, ID, Int, Resolver, Root } from 'type-graphql';

import type { AdFormat } from '../domain/copy.js';
import { GenerationService } from '../generation.service.js';
import { checkedUserId, checkThumbnailSize } from './arguments.js';
import { Ad, AdFormatValue, GeneratedText, Thumbnail } from './generated.type.js';
import { Item } from './item.type.js';

@Resolver(() => Item)
export class ItemResolver {
  constructor(private readonly generation: GenerationService) {}

  @FieldResolver(() => GeneratedText, {
    description:
      "A description of this item written for a user (30–90 words, grounded in the item's facts).",
  })
  personalizedDescription(
    @Root() item: Item,
    @Arg('userId', () => ID, {
      description: 'The user to write for; their interests, never their id, shape the text.',
    })
    userId: string,
    @Ctx() context: RequestContext,
  ): Promise<GeneratedText> {
    const user = checkedUserId(userId);
    authorizeUser(context.viewer, user, 'write for');
    return this.generation.description(context, context.log, item.id, user);
  }

  @FieldResolver(() => Ad, { description: 'An ad for this item, written for a user.' })
  ad(
    @Root() item: Item,
    @Arg('userId', () => ID, { description: 'The user to write for.' }) userId: string,
    @Arg('format', () => AdFormatValue, {
      defaultValue: 'BANNER',
      description: 'Where the ad runs.',
    })
    format: AdFormat,
    @Ctx() context: RequestContext,
  ): Promise<Ad> {
    const user = checkedUserId(userId);
    authorizeUser(context.viewer, user, 'write for');
    return this.generation.ad(context, context.log, item.id, user, format);
  }

  @FieldResolver(() => Thumbnail, {
    description:
      "A product card picture of this item; with a user, its badge comes from the user's interests.",
  })
  thumbnail(
    @Root() item: Item,
    @Arg('userId', () => ID, {
      nullable: true,
      description: 'The user to draw for; none gives a neutral badge.',
    })
    userId: string | null | undefined,
    @Arg('width', () => Int, { defaultValue: 640, description: 'Width in pixels, 64 to 2048.' })
    width: number,
    @Arg('height', () => Int, { defaultValue: 360, description: 'Height in pixels, 64 to 2048.' })
    height: number,
    @Ctx() context: RequestContext,
  ): Promise<Thumbnail> {
    checkThumbnailSize(width, height);
    const user = userId === null || userId === undefined ? null : checkedUserId(userId);
    if (user !== null) authorizeUser(context.viewer, user, 'draw for');
    return this.generation.thumbnail(context, context.log, item.id, user, width, height);
  }
}
