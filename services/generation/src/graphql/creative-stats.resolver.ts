import 'reflect-metadata';

import {
  ArgumentError,
  authorizeService,
  checkId,
  clientErrors,
  type RequestContext,
} from '@tailor/kit';
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';

import { isAngle } from '../domain/loop/angles.js';
import { MAX_BUCKET_PART_CHARS } from '../domain/loop/context.js';
import type { CreativeFormat } from '../domain/loop/creative.js';
import type { RewardFeed } from '../loop/reward-feed.js';
import {
  AngleStatsView,
  CreativeFormatValue,
  CreativeStatsView,
  SurfaceStatsView,
} from './creative-stats.type.js';

const SERVICE_ONLY =
  'Service tokens only (FORBIDDEN otherwise): a creative shown to a few users would tell one what the others clicked or bought.';

function checkSurface(surface: string | null | undefined): string | undefined {
  if (surface === null || surface === undefined) return undefined;
  const normalized = surface.trim().toLowerCase();
  if (normalized.length === 0 || normalized.length > MAX_BUCKET_PART_CHARS)
    throw new ArgumentError(
      'surface',
      `surface must be 1 to ${MAX_BUCKET_PART_CHARS} characters, got ${normalized.length}`,
    );
  return normalized;
}

/** The loop's attribution figures: per creative, per angle and per surface. */
@Resolver()
export class CreativeStatsResolver {
  constructor(private readonly feed: RewardFeed) {}

  @Query(() => [CreativeStatsView], {
    description: `Every creative of an item that was shown (each angle in each format), most shown first; empty for an item never shown. Counts are what the showings held in memory add up to (see generation's README: attribution). BAD_USER_INPUT for an itemId of more than 128 characters. ${SERVICE_ONLY}`,
  })
  async creativeStats(
    @Ctx() context: RequestContext,
    @Arg('itemId', () => ID, { description: 'The item whose creatives to report.' })
    itemId: string,
  ): Promise<CreativeStatsView[]> {
    authorizeService(context.viewer, 'read creative stats');
    const id = clientErrors(() => checkId(String(itemId).trim(), 'itemId'));
    await this.feed.dropForgotten();
    return this.feed.stats.byCreative(id).map((figures) => ({
      ...figures,
      format: figures.format as CreativeFormat,
    }));
  }

  @Query(() => [AngleStatsView], {
    description: `Per angle over every item, most shown first; only angles that were shown. BAD_USER_INPUT for a surface of more than 64 characters. ${SERVICE_ONLY}`,
  })
  async angleStats(
    @Ctx() context: RequestContext,
    @Arg('format', () => CreativeFormatValue, {
      nullable: true,
      description: 'Only this format; every format when null.',
    })
    format: CreativeFormat | null | undefined,
    @Arg('surface', () => String, {
      nullable: true,
      description: 'Only this surface (as in SurfaceStats.surface); every surface when null.',
    })
    surface: string | null | undefined,
  ): Promise<AngleStatsView[]> {
    authorizeService(context.viewer, 'read angle stats');
    const onSurface = clientErrors(() => checkSurface(surface));
    await this.feed.dropForgotten();
    return this.feed.stats
      .grouped(
        (cell) => cell.angle,
        (cell) =>
          (format == null || cell.format === format) &&
          (onSurface === undefined || cell.surface === onSurface),
      )
      .flatMap(({ key, figures }) => (isAngle(key) ? [{ angle: key, ...figures }] : []));
  }

  @Query(() => [SurfaceStatsView], {
    description: `Per surface over every item and angle, most shown first. ${SERVICE_ONLY}`,
  })
  async surfaceStats(
    @Ctx() context: RequestContext,
    @Arg('format', () => CreativeFormatValue, {
      nullable: true,
      description: 'Only this format; every format when null.',
    })
    format: CreativeFormat | null | undefined,
  ): Promise<SurfaceStatsView[]> {
    authorizeService(context.viewer, 'read surface stats');
    await this.feed.dropForgotten();
    return this.feed.stats
      .grouped(
        (cell) => cell.surface,
        (cell) => format == null || cell.format === format,
      )
      .map(({ key, figures }) => ({ surface: key, ...figures }));
  }
}
