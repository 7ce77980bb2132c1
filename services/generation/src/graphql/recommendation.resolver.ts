import 'reflect-metadata';

import { authorizeUser, type RequestContext } from '@tailor/kit';
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';

import type { AdFormat } from '../domain/copy.js';
import { GenerationService, type ShownIn } from '../generation.service.js';
import { checkThumbnailSize } from './arguments.js';
import { Ad, AdFormatValue, GeneratedText, Thumbnail } from './generated.type.js';
import { Recommendation } from './recommendation.type.js';

/** The list a recommendation is in and the surface it is shown on, for the bandit's bucket. */
function shownIn(recommendation: Recommendation): ShownIn {
  return { recommendationId: recommendation.recommendationId, surface: recommendation.surface };
}

@Resolver(() => Recommendation)
export class RecommendationResolver {
  constructor(private readonly generation: GenerationService) {}

  @FieldResolver(() => GeneratedText, {
    description:
      "A description of the item written for this recommendation's user (30–90 words, grounded in the item's facts).",
  })
  description(
    @Root() recommendation: Recommendation,
    @Ctx() context: RequestContext,
  ): Promise<GeneratedText> {
    // The recommender already checked the list's user; this holds if another path appears.
    authorizeUser(context.viewer, recommendation.userId, 'write for');
    return this.generation.description(
      context,
      context.log,
      recommendation.item.id,
      recommendation.userId,
      shownIn(recommendation),
    );
  }

  @FieldResolver(() => Ad, {
    description: "An ad for the item, written for this recommendation's user.",
  })
  ad(
    @Root() recommendation: Recommendation,
    @Arg('format', () => AdFormatValue, {
      defaultValue: 'BANNER',
      description: 'Where the ad runs.',
    })
    format: AdFormat,
    @Ctx() context: RequestContext,
  ): Promise<Ad> {
    authorizeUser(context.viewer, recommendation.userId, 'write for');
    return this.generation.ad(
      context,
      context.log,
      recommendation.item.id,
      recommendation.userId,
      format,
      shownIn(recommendation),
    );
  }

  @FieldResolver(() => Thumbnail, {
    description: "A product card picture with a badge from this recommendation's user's interests.",
  })
  thumbnail(
    @Root() recommendation: Recommendation,
    @Arg('width', () => Int, { defaultValue: 640, description: 'Width in pixels, 64 to 2048.' })
    width: number,
    @Arg('height', () => Int, { defaultValue: 360, description: 'Height in pixels, 64 to 2048.' })
    height: number,
    @Ctx() context: RequestContext,
  ): Promise<Thumbnail> {
    checkThumbnailSize(width, height);
    authorizeUser(context.viewer, recommendation.userId, 'draw for');
    return this.generation.thumbnail(
      context,
      context.log,
      recommendation.item.id,
      recommendation.userId,
      width,
      height,
      shownIn(recommendation),
    );
  }
}
