// What a thumbnail URL carries, shared by the service that writes URLs and the route that reads
// them.

/** Where thumbnails are served: `/thumbnails/<sha256>.png`. */
export const THUMBNAILS_ROUTE = '/thumbnails';

/**
 * What any instance needs to draw a thumbnail again, carried in the query of its URL: with
 * several generation replicas, the one that serves the URL is often not the one that composed
 * it. Nothing personal: the item, the size and the badge text, which the picture shows anyway.
 */
export interface ThumbnailRecipe {
  itemId: string;
  width: number;
  height: number;
  tagline: string;
}
