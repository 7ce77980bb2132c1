import { CF_VECTOR, type VectorStore } from '@tailor/kit';

import { dot } from '../domain/vectors.js';
import { searchSource } from './content.source.js';
import type { CandidateSource } from './source.js';

/**
 * Items the collaborative model predicts the user likes: a dot-product search over `cf` with
 * the user's folded-in factors. Items without `cf` (not in the model yet) are never found here
 * and get no signal; other sources bring them.
 */
export function collaborativeSource(store: VectorStore, userCf: Float32Array): CandidateSource {
  return searchSource(store, 'collaborative', CF_VECTOR, userCf, (candidate) =>
    candidate.cf === undefined || candidate.cf.length !== userCf.length
      ? undefined
      : dot(userCf, candidate.cf),
  );
}
