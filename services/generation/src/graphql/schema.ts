import type { SubgraphClasses } from '@tailor/kit';

import { CreativeStatsResolver } from './creative-stats.resolver.js';
import { ExperimentResolver } from './experiment.resolver.js';
import { ItemResolver } from './item.resolver.js';
import { Item } from './item.type.js';
import { RecommendationResolver } from './recommendation.resolver.js';
import { Recommendation } from './recommendation.type.js';
import { SettingsResolver } from './settings.resolver.js';

/**
 * The classes the generation subgraph's schema is built from: the server builds it with instances
 * behind them, `schema-file.ts` prints `services/generation/schema.graphql` from the classes alone.
 */
export const GENERATION_SCHEMA_CLASSES: SubgraphClasses = {
  resolvers: [
    RecommendationResolver,
    ItemResolver,
    SettingsResolver,
    ExperimentResolver,
    CreativeStatsResolver,
  ],
  // Entities reached only through `_entities`, never from Query: type-graphql needs telling.
  orphanedTypes: [Recommendation, Item],
};
