import type { SubgraphClasses } from '@tailor/kit';

import { ModelResolver } from './model.resolver.js';

/**
 * The classes the trainer subgraph's schema is built from: the server builds it with instances
 * behind them, `schema-file.ts` prints `services/trainer/schema.graphql` from the classes alone.
 */
export const TRAINER_SCHEMA_CLASSES: SubgraphClasses = {
  resolvers: [ModelResolver],
};
