import type { SubgraphClasses } from '@tailor/kit';

import { ItemResolver } from './item.resolver.js';

/**
 * The classes the catalog subgraph's schema is built from: the server builds it with instances
 * behind them, `schema-file.ts` prints `services/catalog/schema.graphql` from the classes alone.
 */
export const CATALOG_SCHEMA_CLASSES: SubgraphClasses = {
  resolvers: [ItemResolver],
};
