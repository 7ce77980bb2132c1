import type { ReferenceResolvers } from '@tailor/kit';

import type { Item } from './item.type.js';

/** `Item.__resolveReference`: lazy, like the recommendation's (the fields read the store). */
export function itemReferenceResolvers(): ReferenceResolvers {
  return {
    Item: {
      __resolveReference: (reference: { id: string }): Item => ({ id: String(reference.id) }),
    },
  };
}
