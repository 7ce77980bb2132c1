import type {
  Embedder,
  EventBus,
  GatewayTrustConfig,
  Logger,
  UserKeyVault,
  VectorStore,
} from '@tailor/kit';

import type { RecommenderConfig } from './config.js';

/** What the recommender subgraph needs. The adapters are owned by the caller and never closed here. */
export interface RecommenderDeps {
  config: RecommenderConfig & GatewayTrustConfig;
  logger: Logger;
  /** Read for trending (replayed from `user-events`); impressions are published to it. */
  bus: EventBus;
  /** Holds `items` (written by the catalog) and `profiles` (written by the profiles service). */
  store: VectorStore;
  /** Only its dimension is used: it sizes the collections when they do not exist yet. */
  embedder: Embedder;
  /** Opens sealed events for trending and seals the impressions published. */
  vault?: UserKeyVault;
  /** Epoch milliseconds; tests may fix it. */
  now?: () => number;
}
