import type { ReferenceResolvers } from '@tailor/kit';

import type { Recommendation, RecommendationReference } from './recommendation.type.js';

/**
 * `Recommendation.__resolveReference`. Lazy: the key is all this subgraph needs, and the
 * fields asked for read the store in one batch per request.
 */
export function recommendationReferenceResolvers(): ReferenceResolvers {
  return {
    Recommendation: {
      __resolveReference: (reference: RecommendationReference): Recommendation => ({
        recommendationId: String(reference.recommendationId),
        userId: String(reference.userId),
        item: { id: String(reference.item.id) },
        surface: typeof reference.surface === 'string' ? reference.surface : null,
      }),
    },
  };
}
