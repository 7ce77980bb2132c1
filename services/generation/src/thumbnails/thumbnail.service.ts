import type { ItemFacts } from '../domain/facts.js';
import type { InterestSummary } from '../domain/interests.js';
import { composeThumbnail } from '../domain/thumbnail.js';
import { localImageDataUri } from './local-image.js';
import { THUMBNAILS_ROUTE } from './thumbnail.route.js';
import type { ThumbnailStore } from './thumbnail-store.js';

/** A thumbnail as the graph serves it. */
export interface ThumbnailResult {
  url: string;
  altText: string;
  width: number;
  height: number;
}

/** Options of {@link ThumbnailService}. */
export interface ThumbnailServiceOptions {
  store: ThumbnailStore;
  /** Base of thumbnail URLs, without a trailing slash; read per call (the port is known late). */
  publicBaseUrl: () => string;
  /** Local product images; see {@link localImageDataUri}. */
  imageDir: string | undefined;
}

/** Composes personalised thumbnails and names them by content. */
export class ThumbnailService {
  constructor(private readonly options: ThumbnailServiceOptions) {}

  /** The thumbnail of an item for a user; its PNG is rendered when the URL is first fetched. */
  async prepare(
    facts: ItemFacts,
    interests: InterestSummary,
    width: number,
    height: number,
  ): Promise<ThumbnailResult> {
    const imageDataUri = await localImageDataUri(facts.imageUrl, this.options.imageDir);
    const { svg, altText } = composeThumbnail({
      facts,
      interests,
      width,
      height,
      ...(imageDataUri === undefined ? {} : { imageDataUri }),
    });
    const hash = await this.options.store.remember(svg);
    const base = this.options.publicBaseUrl().replace(/\/+$/, '');
    return { url: `${base}${THUMBNAILS_ROUTE}/${hash}.png`, altText, width, height };
  }
}
