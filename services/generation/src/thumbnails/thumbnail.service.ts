import type { ItemFacts } from '../domain/facts.js';
import { type InterestSummary, NO_INTERESTS } from '../domain/interests.js';
import type { Angle } from '../domain/loop/angles.js';
import { chooseTagline, composeThumbnail } from '../domain/thumbnail.js';
import type { ItemReader } from '../item-reader.js';
import { localImageDataUri } from './local-image.js';
import type { ThumbnailStore } from './thumbnail-store.js';
import { type ThumbnailRecipe, THUMBNAILS_ROUTE } from './thumbnail-url.js';

/** A thumbnail as the graph serves it. */
export interface ThumbnailResult {
  url: string;
  altText: string;
  width: number;
  height: number;
  /** The badge text the picture shows. */
  badge: string;
  /** The user's interest the badge was written around; null when it names none. */
  interest: string | null;
}

/** Options of {@link ThumbnailService}. */
export interface ThumbnailServiceOptions {
  store: ThumbnailStore;
  /** Base of thumbnail URLs, without a trailing slash; read per call (the port is known late). */
  publicBaseUrl: () => string;
  /** Local product images; see {@link localImageDataUri}. */
  imageDir: string | undefined;
  /** Where the item's current facts are read, for drawing a thumbnail again from its recipe. */
  items: Pick<ItemReader, 'one'>;
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
    angle: Angle = 'interest',
  ): Promise<ThumbnailResult> {
    const { text: tagline, interest } = chooseTagline(facts, interests, angle);
    const { svg, altText } = await this.compose(facts, {
      itemId: facts.id,
      width,
      height,
      tagline,
    });
    const hash = await this.options.store.remember(svg);
    const base = this.options.publicBaseUrl().replace(/\/+$/, '');
    const recipe = new URLSearchParams({
      item: facts.id,
      w: String(width),
      h: String(height),
      t: tagline,
    });
    return {
      url: `${base}${THUMBNAILS_ROUTE}/${hash}.png?${recipe}`,
      altText,
      width,
      height,
      badge: tagline,
      interest,
    };
  }

  /**
   * The SVG a recipe draws today. Its hash matches the URL's only while the item is unchanged;
   * the caller checks, so a stale or forged recipe never renders under another name.
   */
  async redraw(recipe: ThumbnailRecipe): Promise<string | undefined> {
    const facts = await this.options.items.one(recipe.itemId);
    return facts === undefined ? undefined : (await this.compose(facts, recipe)).svg;
  }

  private async compose(facts: ItemFacts, recipe: ThumbnailRecipe) {
    const imageDataUri = await localImageDataUri(facts.imageUrl, this.options.imageDir);
    return composeThumbnail({
      facts,
      interests: NO_INTERESTS,
      tagline: recipe.tagline,
      width: recipe.width,
      height: recipe.height,
      ...(imageDataUri === undefined ? {} : { imageDataUri }),
    });
  }
}
