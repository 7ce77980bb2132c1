import type { EventBus, GatewayTrustConfig, Logger, UserKeyVault } from '@tailor/kit';

import type { EventsConfig } from './config.js';

/** What the events subgraph needs. */
export interface EventsDeps {
  config: EventsConfig & GatewayTrustConfig;
  logger: Logger;
  /** Where accepted events go; owned by the caller and never closed here. */
  bus: EventBus;
  /** Seals each event with its user's key, so forgetting reaches every copy (see kit). */
  vault?: UserKeyVault;
}
