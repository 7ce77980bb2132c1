import type { ReferenceResolvers } from '@tailor/kit';

import type { User } from './user.type.js';

/**
 * `User.__resolveReference`: every id is a user (one never seen has an empty profile), so the
 * key is all there is to resolve; `profile` reads the store only when asked for.
 */
export function userReferenceResolvers(): ReferenceResolvers {
  return {
    User: {
      __resolveReference: (reference: { id: string }): User => ({ id: String(reference.id) }),
    },
  };
}
