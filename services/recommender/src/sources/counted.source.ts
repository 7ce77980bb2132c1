import { ITEMS_COLLECTION, type VectorStore } from '@tailor/kit';

import { passesCandidateFilter } from '../domain/request.js';
import { popularity } from '../domain/scoring.js';
import type { TrendingCounts } from '../domain/trending.js';
import { type CandidateSource, toCandidates } from './source.js';

/**
 * A source over decayed interaction counts: the top items of `counts` that pass the filters,
 * signal `log1p(count) / log1p(top count)` (a runaway hit does not flatten the rest to 0).
 * Popular and trending are this over two half-lives.
 */
export function countedSource(
  name: 'popular' | 'trending',
  store: VectorStore,
  counts: TrendingCounts,
): CandidateSource {
  return {
    name,
    candidates: async ({ limit, context, excluded, now }) => {
      if (limit === 0) return [];
      const entries = counts.top(now, {
        limit,
        skip: (id) => excluded.has(id),
        ...(context.category === undefined ? {} : { category: context.category }),
      });
      if (entries.length === 0) return [];
      const points = await store.retrieve(
        ITEMS_COLLECTION,
        entries.map((e) => e.itemId),
        { withVectors: true },
      );
      // The counts' order, not the store's: it decides between candidates of equal score.
      const rank = new Map(entries.map((e, i) => [e.itemId, i]));
      return toCandidates(points)
        .filter((c) =>
          passesCandidateFilter(c.itemId, c.item, {
            excluded,
            ...(context.category === undefined ? {} : { category: context.category }),
          }),
        )
        .sort((a, b) => rank.get(a.itemId)! - rank.get(b.itemId)!);
    },
    signal: (candidate, now) =>
      popularity(counts.score(candidate.itemId, now), counts.maxScore(now)),
  };
}
