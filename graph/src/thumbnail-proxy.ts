import type { Logger } from '@tailor/kit';
import { type Request, type Response, Router } from 'express';

/** Where thumbnails are served, on the generation service and, through this proxy, here. */
export const THUMBNAILS_PATH = '/thumbnails';

/** Longest wait for the generation service to answer one thumbnail. */
export const THUMBNAIL_PROXY_TIMEOUT_MS = 10_000;

/** Headers passed back to the client: what makes a content-addressed PNG cacheable. */
const PASSED_HEADERS = ['content-type', 'content-length', 'cache-control', 'etag'] as const;

/**
 * `GET /thumbnails/*` passed through to the generation service, so clients reach thumbnails at
 * the one public address (in Kubernetes only the gateway is reachable from outside; any
 * generation replica can answer, see the generation README). A CDN in front of the gateway may
 * cache the answers for good: their names are the hashes of their pictures.
 */
export function thumbnailProxy(generationOrigin: string, logger: Logger): Router {
  const log = logger.child({ component: 'thumbnail-proxy' });
  const router = Router();
  router.get(`${THUMBNAILS_PATH}/:file`, async (req: Request, res: Response) => {
    const query = req.originalUrl.includes('?')
      ? req.originalUrl.slice(req.originalUrl.indexOf('?'))
      : '';
    const target = `${generationOrigin}${THUMBNAILS_PATH}/${encodeURIComponent(String(req.params.file))}${query}`;
    const ifNoneMatch = req.headers['if-none-match'];
    try {
      const upstream = await fetch(target, {
        headers: ifNoneMatch === undefined ? {} : { 'if-none-match': String(ifNoneMatch) },
        signal: AbortSignal.timeout(THUMBNAIL_PROXY_TIMEOUT_MS),
      });
      res.status(upstream.status);
      for (const name of PASSED_HEADERS) {
        const value = upstream.headers.get(name);
        if (value !== null) res.set(name, value);
      }
      res.send(Buffer.from(await upstream.arrayBuffer()));
    } catch (err) {
      log.warn({ err, target }, 'generation did not answer for a thumbnail');
      res.status(502).json({
        error: { code: 'BAD_GATEWAY', message: 'The generation service did not answer.' },
      });
    }
  });
  return router;
}
