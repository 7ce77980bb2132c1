import type { EventBus, GatewayTrustConfig, Logger, UserKeyVault, VectorStore } from '@tailor/kit';

import type { TrainerConfig } from './config.js';

/** What the trainer needs. Adapters are owned by the caller. */
export interface TrainerDeps {
  config: TrainerConfig & GatewayTrustConfig & { DATA_DIR: string };
  logger: Logger;
  bus: EventBus;
  /** Holds `items` (their `cf` vectors are written here) and `models`. */
  store: VectorStore;
  /** Opens sealed events; a user whose key is gone is dropped from the interactions. */
  vault?: UserKeyVault;
  now?: () => number;
}
