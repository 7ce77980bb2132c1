import type { ReferenceResolvers } from '@tailor/kit';

import type { User } from './user.type.js';

/**
 * `User.__resolveReference`: every id is a user here (one without a profile gets trending
 * items), so the key is all there is to resolve.
 */
export function userReferenceResolvers(): ReferenceResolvers {
  return {
    User: {
      __resolveReference: (reference: { id: string }): User => ({ id: String(reference.id) }),
    },
  };
}
