import type { Logger, SubgraphOptions } from '@tailor/kit';

import { THUMBNAIL_LIMITS } from '../domain/thumbnail.js';
import type { ThumbnailStore } from './thumbnail-store.js';
import { type ThumbnailRecipe, THUMBNAILS_ROUTE } from './thumbnail-url.js';

/** The Express app the subgraph helper hands to `routes` (express is the kit's dependency). */
type App = Parameters<NonNullable<SubgraphOptions['routes']>>[0];

const FILE = /^([0-9a-f]{64})\.png$/;

/** Longest item id and badge text a recipe may carry; sides are bounded by THUMBNAIL_LIMITS. */
export const RECIPE_LIMITS = { itemIdChars: 128, taglineChars: 120 } as const;

/** What the query of a thumbnail URL says: no recipe, a recipe, or which parameter is wrong. */
export type RecipeQuery =
  | { kind: 'none' }
  | { kind: 'recipe'; recipe: ThumbnailRecipe }
  | { kind: 'bad'; parameter: 'item' | 'w' | 'h' | 't'; message: string };

/** Reads the recipe in a thumbnail URL's query: `item`, `w`, `h` and `t`, all or none. */
export function recipeOf(query: Record<string, unknown>): RecipeQuery {
  const { item, w, h, t } = query;
  if (item === undefined && w === undefined && h === undefined && t === undefined) {
    return { kind: 'none' };
  }
  if (typeof item !== 'string' || item === '' || item.length > RECIPE_LIMITS.itemIdChars) {
    return {
      kind: 'bad',
      parameter: 'item',
      message: `item must be an item id of 1 to ${RECIPE_LIMITS.itemIdChars} characters`,
    };
  }
  const { minSide, maxSide } = THUMBNAIL_LIMITS;
  const side = (value: unknown) => {
    const n = typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : NaN;
    return n >= minSide && n <= maxSide ? n : undefined;
  };
  const width = side(w);
  if (width === undefined) {
    return { kind: 'bad', parameter: 'w', message: `w must be ${minSide} to ${maxSide} pixels` };
  }
  const height = side(h);
  if (height === undefined) {
    return { kind: 'bad', parameter: 'h', message: `h must be ${minSide} to ${maxSide} pixels` };
  }
  if (typeof t !== 'string' || t.length > RECIPE_LIMITS.taglineChars) {
    return {
      kind: 'bad',
      parameter: 't',
      message: `t must be the badge text, at most ${RECIPE_LIMITS.taglineChars} characters`,
    };
  }
  return { kind: 'recipe', recipe: { itemId: item, width, height, tagline: t } };
}

/**
 * `GET /thumbnails/<hash>.png`: the rendered PNG. The name is the hash of the picture's SVG, so
 * the bytes behind a URL never change and clients and CDNs may cache it for good. An instance
 * that did not compose the picture draws it again from the recipe in the query, and serves it
 * only when the drawing hashes to the name.
 */
export function mountThumbnailRoute(
  app: App,
  store: ThumbnailStore,
  redraw: (recipe: ThumbnailRecipe) => Promise<string | undefined>,
  logger: Logger,
): void {
  const log = logger.child({ component: 'thumbnail-route' });
  app.get(`${THUMBNAILS_ROUTE}/:file`, async (req, res) => {
    const hash = FILE.exec(String(req.params.file))?.[1];
    const etag = `"${hash ?? ''}"`;
    if (hash === undefined) {
      res
        .status(404)
        .json({ error: { code: 'NOT_FOUND', message: 'Thumbnails are named <sha256>.png.' } });
      return;
    }
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    try {
      let png = await store.png(hash);
      const query = png === undefined ? recipeOf(req.query) : ({ kind: 'none' } as const);
      if (query.kind === 'bad') {
        res.status(400).json({
          error: { code: 'BAD_REQUEST', message: query.message, field: query.parameter },
        });
        return;
      }
      if (query.kind === 'recipe') {
        const svg = await redraw(query.recipe);
        if (svg !== undefined && (await store.remember(svg)) === hash) png = await store.png(hash);
      }
      if (png === undefined) {
        res.status(404).json({ error: { code: 'NOT_FOUND', message: 'No such thumbnail.' } });
        return;
      }
      res
        .status(200)
        .type('image/png')
        .set('cache-control', 'public, max-age=31536000, immutable')
        .set('etag', etag)
        .send(png);
    } catch (err) {
      log.error({ err, hash }, 'thumbnail render failed');
      res.status(500).json({
        error: { code: 'INTERNAL_SERVER_ERROR', message: 'Thumbnail could not be rendered.' },
      });
    }
  });
}
