import { CF_VECTOR } from '@tailor/kit';

import { dot } from '../domain/vectors.js';
import { searchSource } from './content.source.js';
import type { BatchedSource } from './source.js';

/**
 * Items the collaborative model predicts the user likes: a dot-product search over `cf` with
 * the user's folded-in factors. Items without `cf` (not in the model yet) are never found here
 * and get no signal; other sources bring them.
 */
export function collaborativeSource(userCf: Float32Array): BatchedSource {
  return searchSource('collaborative', CF_VECTOR, userCf, (candidate) =>
    candidate.cf === undefined || candidate.cf.length !== userCf.length
      ? undefined
      : dot(userCf, candidate.cf),
  );
}
