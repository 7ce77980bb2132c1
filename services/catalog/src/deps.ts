import type { Embedder, GatewayTrustConfig, Logger, VectorStore } from '@tailor/kit';

import type { CatalogConfig } from './config.js';

/** What the catalog subgraph needs. The adapters are owned by the caller and never closed here. */
export interface CatalogDeps {
  config: CatalogConfig & GatewayTrustConfig;
  logger: Logger;
  /** Holds the `items` collection. */
  store: VectorStore;
  /** Embeds items on write and search texts on read; its dimension sizes the collection. */
  embedder: Embedder;
  /** Epoch milliseconds; tests may fix it. */
  now?: () => number;
}
