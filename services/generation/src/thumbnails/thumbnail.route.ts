import type { Logger, SubgraphOptions } from '@tailor/kit';

import { THUMBNAIL_LIMITS } from '../domain/thumbnail.js';
import type { ThumbnailRecipe } from './thumbnail.service.js';
import type { ThumbnailStore } from './thumbnail-store.js';

/** The Express app the subgraph helper hands to `routes` (express is the kit's dependency). */
type App = Parameters<NonNullable<SubgraphOptions['routes']>>[0];

/** Where thumbnails are served: `/thumbnails/<sha256>.png`. */
export const THUMBNAILS_ROUTE = '/thumbnails';

const FILE = /^([0-9a-f]{64})\.png$/;

/** Longest item id and badge text a recipe may carry. */
const RECIPE_LIMITS = { itemIdChars: 128, taglineChars: 120 } as const;

/** The recipe in a thumbnail URL's query (`item`, `w`, `h`, `t`), or undefined when incomplete. */
export function recipeOf(query: Record<string, unknown>): ThumbnailRecipe | undefined {
  const { item, w, h, t } = query;
  if (typeof item !== 'string' || typeof t !== 'string') return undefined;
  if (item === '' || item.length > RECIPE_LIMITS.itemIdChars) return undefined;
  if (t.length > RECIPE_LIMITS.taglineChars) return undefined;
  const side = (value: unknown) => {
    const n = typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : NaN;
    return n >= THUMBNAIL_LIMITS.minSide && n <= THUMBNAIL_LIMITS.maxSide ? n : undefined;
  };
  const width = side(w);
  const height = side(h);
  if (width === undefined || height === undefined) return undefined;
  return { itemId: item, width, height, tagline: t };
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
      const recipe = png === undefined ? recipeOf(req.query) : undefined;
      if (recipe !== undefined) {
        const svg = await redraw(recipe);
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
