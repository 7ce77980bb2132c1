import { ITEM_LIMITS } from '@tailor/catalog';

import type { Movie } from './movielens.js';

/** Catalog id of a movie; the prefix keeps MovieLens ids apart from any other catalog's. */
export function movieItemId(movieId: string): string {
  return `ml-${movieId}`;
}

/** The MovieLens id behind a catalog id made by {@link movieItemId}. */
export function movieIdOf(itemId: string): string {
  return itemId.startsWith('ml-') ? itemId.slice(3) : itemId;
}

/** Category of movies MovieLens lists without a genre. */
export const NO_GENRE_CATEGORY = 'unclassified';

/**
 * A movie as a catalog item (the `upsertItems` input shape). The facts are the release's own:
 * title, year (attribute), first genre as category, all genres and the most applied user tags
 * as tags. MovieLens has no prices, and the catalog requires one, so every movie costs 0 USD.
 */
export function movieToItem(movie: Movie, userTags: ReadonlyMap<string, number> | undefined) {
  const genres = movie.genres.map((g) => g.toLowerCase());
  const tags = [...new Set(genres)];
  const byUse = [...(userTags ?? new Map<string, number>())]
    .filter(([tag]) => tag.length <= ITEM_LIMITS.tagMaxLength)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  for (const [tag] of byUse) {
    if (tags.length >= ITEM_LIMITS.maxTags) break;
    if (!tags.includes(tag)) tags.push(tag);
  }
  return {
    id: movieItemId(movie.movieId),
    title: movie.title.slice(0, ITEM_LIMITS.titleMaxLength),
    description: '',
    category: genres[0] ?? NO_GENRE_CATEGORY,
    tags,
    price: { amount: 0, currency: 'USD' },
    inStock: true,
    attributes: movie.year === null ? [] : [{ name: 'year', value: movie.year }],
  };
}
