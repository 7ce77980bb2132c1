import { CF_VECTOR, dot, PROFILES_COLLECTION } from '@tailor/kit';

import { searchSource } from './content.source.js';
import type { BatchedSource } from './source.js';

/**
 * Items the collaborative model predicts the user likes: a dot-product search over `cf` with
 * the user's folded-in factors, which the store looks up in the user's profile point by id
 * (`userCf` is that point's vector as read, for the signal). Items without `cf` (not in the
 * model yet) are never found here and get no signal; other sources bring them.
 */
export function collaborativeSource(userId: string, userCf: Float32Array): BatchedSource {
  const profile = { id: userId, collection: PROFILES_COLLECTION, using: CF_VECTOR };
  return searchSource('collaborative', CF_VECTOR, profile, (candidate) =>
    candidate.cf === undefined || candidate.cf.length !== userCf.length
      ? undefined
      : dot(userCf, candidate.cf),
  );
}
