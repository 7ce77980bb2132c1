import type { Logger, SubgraphOptions } from '@tailor/kit';

import type { ThumbnailStore } from './thumbnail-store.js';

/** The Express app the subgraph helper hands to `routes` (express is the kit's dependency). */
type App = Parameters<NonNullable<SubgraphOptions['routes']>>[0];

/** Where thumbnails are served: `/thumbnails/<sha256>.png`. */
export const THUMBNAILS_ROUTE = '/thumbnails';

const FILE = /^([0-9a-f]{64})\.png$/;

/**
 * `GET /thumbnails/<hash>.png`: the rendered PNG. The name is the hash of the picture's SVG, so
 * the bytes behind a URL never change and clients and CDNs may cache it for good.
 */
export function mountThumbnailRoute(app: App, store: ThumbnailStore, logger: Logger): void {
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
      const png = await store.png(hash);
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
