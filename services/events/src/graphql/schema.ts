import type { SubgraphClasses } from '@tailor/kit';

import { EventResolver } from './event.resolver.js';

/**
 * The classes the events subgraph's schema is built from: the server builds it with instances
 * behind them, `schema-file.ts` prints `services/events/schema.graphql` from the classes alone.
 */
export const EVENTS_SCHEMA_CLASSES: SubgraphClasses = {
  resolvers: [EventResolver],
};
