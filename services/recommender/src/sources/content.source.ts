import { ITEM_VECTOR, ITEMS_COLLECTION, type VectorStore } from '@tailor/kit';

import { candidateFilter } from '../domain/request.js';
import type { SourceName } from '../domain/sources.js';
import { cosine } from '../domain/vectors.js';
import { type Candidate, type CandidateSource, toCandidates } from './source.js';

/**
 * A source that searches `items` over one named vector with the user's vector, the filters
 * applied by the store.
 */
export function searchSource(
  store: VectorStore,
  name: SourceName,
  using: string,
  vector: Float32Array,
  signal: (candidate: Candidate) => number | undefined,
): CandidateSource {
  return {
    name,
    candidates: async ({ limit, context, excluded }) => {
      if (limit === 0) return [];
      const hits = await store.search(ITEMS_COLLECTION, {
        using,
        vector,
        limit,
        withVectors: true,
        filter: candidateFilter({
          excludeIds: [...excluded],
          ...(context.category === undefined ? {} : { category: context.category }),
        }),
      });
      return toCandidates(hits);
    },
    signal,
  };
}

/**
 * Items nearest the user's content taste: a cosine search over `content` with the profile's
 * blended long/short query vector. Reaches every item, those the collaborative model does not
 * cover yet included; its signal is the cosine.
 */
export function contentSource(store: VectorStore, queryVector: Float32Array): CandidateSource {
  return searchSource(store, 'content', ITEM_VECTOR, queryVector, (candidate) =>
    cosine(queryVector, candidate.vector),
  );
}
