import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { FEED_PAGE_DIR } from '@tailor/feed';
import express, { type Router } from 'express';

/** Path the page is served under; `/` redirects there. */
export const FEED_PAGE_PATH = '/feed';

/**
 * The page talks to this origin's /graphql and shows thumbnails from wherever the graph says
 * they are (the generation service, or a CDN in front of it), so images may come from anywhere;
 * nothing else may.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  'img-src * data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Options of {@link feedPage}. */
export interface FeedPageOptions {
  /** The bundled page; {@link FEED_PAGE_DIR} by default. */
  dir?: string;
}

/**
 * Serves the feed page at `/feed/` (and redirects `/` there). It is static: everything it shows
 * it asks the gateway's /graphql for, like any other client. A build without the bundle answers
 * 503 saying how to build it, rather than a bare 404.
 */
export function feedPage(options: FeedPageOptions = {}): Router {
  const dir = options.dir ?? FEED_PAGE_DIR;
  const router = express.Router();
  router.get('/', (_req, res) => res.redirect(302, `${FEED_PAGE_PATH}/`));
  router.use(FEED_PAGE_PATH, (_req, res, next) => {
    res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    if (existsSync(join(dir, 'index.html'))) return next();
    res
      .status(503)
      .type('text/plain')
      .send('The feed page is not built: run `npm run build` (it bundles apps/feed).\n');
  });
  // The bundle's file names carry no hash, so browsers must revalidate each time.
  router.use(FEED_PAGE_PATH, express.static(dir, { cacheControl: true, maxAge: 0 }));
  return router;
}
