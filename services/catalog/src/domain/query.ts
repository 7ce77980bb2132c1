import { ArgumentError, type Condition, type Filter } from '@tailor/kit';

import { normalizeCategory } from './item.js';

/** Bounds of the read queries; documented in the service README. */
export const QUERY_LIMITS = {
  defaultPageSize: 20,
  maxPageSize: 100,
  defaultSearchResults: 10,
  maxSearchResults: 100,
  searchTextMaxLength: 500,
  /** Longest `after` cursor accepted; real ones are far shorter. */
  cursorMaxLength: 1_024,
} as const;

/** Trims a search text and checks its length. */
export function checkSearchText(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.length > QUERY_LIMITS.searchTextMaxLength) {
    throw new ArgumentError(
      'text',
      `text must be 1 to ${QUERY_LIMITS.searchTextMaxLength} characters after trimming, got ${trimmed.length}`,
    );
  }
  return trimmed;
}

const CURSOR_PREFIX = 'c1:';

/**
 * Cursors wrap the store's own page token, versioned, so a client cannot tell adapters apart
 * and a token from elsewhere is refused with a clear error instead of reaching the store.
 */
export function encodeCursor(storeCursor: string): string {
  return Buffer.from(CURSOR_PREFIX + storeCursor, 'utf8').toString('base64url');
}

/** The store's page token inside `after`; throws naming `after` when it is not ours. */
export function decodeCursor(after: string): string {
  const invalid = () => new ArgumentError('after', 'after is not a cursor returned by items');
  if (after.length > QUERY_LIMITS.cursorMaxLength || !/^[A-Za-z0-9_-]+$/.test(after))
    throw invalid();
  const decoded = Buffer.from(after, 'base64url').toString('utf8');
  if (!decoded.startsWith(CURSOR_PREFIX) || decoded.length === CURSOR_PREFIX.length)
    throw invalid();
  return decoded.slice(CURSOR_PREFIX.length);
}

/** Filters shared by `items` and `searchItems`. */
export interface ItemFilterArgs {
  category?: string | null;
  inStockOnly?: boolean | null;
}

/** The store filter for the arguments, or undefined when nothing is filtered. */
export function itemFilter(args: ItemFilterArgs): Filter | undefined {
  const must: Condition[] = [];
  if (args.category !== undefined && args.category !== null) {
    must.push({ key: 'category', match: { value: normalizeCategory(args.category) } });
  }
  if (args.inStockOnly === true) must.push({ key: 'inStock', match: { value: true } });
  return must.length === 0 ? undefined : { must };
}
