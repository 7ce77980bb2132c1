import type { SubgraphClasses } from '@tailor/kit';

import { UserProfileResolver } from './profile.resolver.js';
import { UserResolver } from './user.resolver.js';

/**
 * The classes the profiles subgraph's schema is built from: the server builds it with instances
 * behind them, `schema-file.ts` prints `services/profiles/schema.graphql` from the classes alone.
 */
export const PROFILES_SCHEMA_CLASSES: SubgraphClasses = {
  resolvers: [UserResolver, UserProfileResolver],
};
