import { passesCandidateFilter } from '../domain/request.js';
import { popularity } from '../domain/scoring.js';
import type { TrendingCounts } from '../domain/trending.js';
import { type BatchedSource, ITEM_FACT_KEYS, toFound } from './source.js';

/**
 * A source over decayed interaction counts: the top items of `counts` that pass the filters,
 * signal `log1p(count) / log1p(top count)` (a runaway hit does not flatten the rest to 0).
 * Popular and trending are this over two half-lives.
 */
export function countedSource(name: 'popular' | 'trending', counts: TrendingCounts): BatchedSource {
  return {
    kind: 'batched',
    name,
    plan: ({ limit, context, excluded, now }, extra) => {
      if (limit === 0) return null;
      const entries = counts.top(now, {
        limit: limit + extra,
        skip: (id) => excluded.has(id),
        ...(context.category === undefined ? {} : { category: context.category }),
      });
      if (entries.length === 0) return null;
      return {
        read: {
          kind: 'retrieve',
          ids: entries.map((e) => e.itemId),
          options: { withPayload: ITEM_FACT_KEYS },
        },
        pick: (answer, found) => {
          // The top `limit` entries earlier sources left, as if asked after them; then the filters.
          const wanted = entries.filter((e) => !found.has(e.itemId)).slice(0, limit);
          const byId = new Map(answer.points.map((point) => [point.id, toFound(point)]));
          return wanted.flatMap((entry) => {
            const item = byId.get(entry.itemId);
            const passes =
              item !== undefined &&
              passesCandidateFilter(item.itemId, item.item, {
                excluded: found,
                ...(context.category === undefined ? {} : { category: context.category }),
              });
            // The counts' order, not the store's: it decides between candidates of equal score.
            return passes ? [item] : [];
          });
        },
      };
    },
    signal: (candidate, now) =>
      popularity(counts.score(candidate.itemId, now), counts.maxScore(now)),
  };
}
