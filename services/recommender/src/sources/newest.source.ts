import { ITEMS_COLLECTION, type StoredPoint, type VectorStore } from '@tailor/kit';

import { candidateFilter } from '../domain/request.js';
import { freshness } from '../domain/scoring.js';
import { ITEM_FACT_KEYS, type ScanningSource, toFound } from './source.js';

/**
 * Most catalog points the newest source looks at. The store has no order by date, so "newest
 * first" is newest among these.
 */
export const CATALOG_FILL_SCAN_LIMIT = 1_000;
const SCAN_PAGE_SIZE = 250;

/**
 * The newest matching catalog items, so a list is full even before anyone has done anything;
 * signal: freshness, `2^(−age / 30 days)`, for every candidate.
 */
export function newestSource(store: VectorStore): ScanningSource {
  return {
    kind: 'scanning',
    name: 'newest',
    find: async ({ limit, context, excluded }) => {
      if (limit === 0) return [];
      const filter = candidateFilter({
        excludeIds: [...excluded],
        ...(context.category === undefined ? {} : { category: context.category }),
      });
      const points: StoredPoint[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.scroll(ITEMS_COLLECTION, {
          limit: Math.min(SCAN_PAGE_SIZE, CATALOG_FILL_SCAN_LIMIT - points.length),
          filter,
          withPayload: ITEM_FACT_KEYS,
          ...(cursor === undefined ? {} : { cursor }),
        });
        points.push(...page.points);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined && points.length < CATALOG_FILL_SCAN_LIMIT);
      return points
        .map(toFound)
        .sort((a, b) => b.item.createdAt - a.item.createdAt)
        .slice(0, limit);
    },
    signal: (candidate, now) => freshness(candidate.item.createdAt, now),
  };
}
