import type { SubgraphClasses } from '@tailor/kit';

import { RecommendationResolver } from './recommendation.resolver.js';
import { UserResolver } from './user.resolver.js';
import { User } from './user.type.js';

/**
 * The classes the recommender subgraph's schema is built from: the server builds it with instances
 * behind them, `schema-file.ts` prints `services/recommender/schema.graphql` from the classes alone.
 */
export const RECOMMENDER_SCHEMA_CLASSES: SubgraphClasses = {
  resolvers: [RecommendationResolver, UserResolver],
  // Nothing here returns a User: it is reached through the gateway, so name it explicitly.
  orphanedTypes: [User],
};
