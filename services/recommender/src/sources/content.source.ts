import { cosine, ITEM_VECTOR, type PointReference } from '@tailor/kit';

import { candidateFilter } from '../domain/request.js';
import type { SourceName } from '../domain/sources.js';
import { type BatchedSource, type Candidate, hitRef } from './source.js';

/**
 * A source that searches `items` over one named vector with the user's vector, the filters
 * applied by the store. Only ids and point versions come back, no payload: facts and vectors are
 * the item cache's. `query` is
 * the vector itself, or the stored point that holds it, so that it need not cross the wire.
 */
export function searchSource(
  name: SourceName,
  using: string,
  query: Float32Array | PointReference,
  signal: (candidate: Candidate) => number | undefined,
): BatchedSource {
  return {
    kind: 'batched',
    name,
    plan: ({ limit, context, excluded }, extra) => {
      if (limit === 0) return null;
      return {
        read: {
          kind: 'search',
          request: {
            using,
            ...(query instanceof Float32Array ? { vector: query } : { nearPoint: query }),
            limit: limit + extra,
            withPayload: false,
            filter: candidateFilter({
              excludeIds: [...excluded],
              ...(context.category === undefined ? {} : { category: context.category }),
            }),
          },
        },
        pick: (answer, found) =>
          answer.kind !== 'search'
            ? []
            : answer.points
                .filter((point) => !found.has(point.id))
                .slice(0, limit)
                .map(hitRef),
      };
    },
    signal,
  };
}

/**
 * Items nearest the user's content taste: a cosine search over `content` with the profile's
 * blended long/short query vector. Reaches every item, those the collaborative model does not
 * cover yet included; its signal is the cosine.
 */
export function contentSource(queryVector: Float32Array): BatchedSource {
  return searchSource('content', ITEM_VECTOR, queryVector, (candidate) =>
    cosine(queryVector, candidate.vector),
  );
}
