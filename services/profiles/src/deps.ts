import type {
  Embedder,
  EventBus,
  GatewayTrustConfig,
  Logger,
  UserKeyVault,
  VectorStore,
} from '@tailor/kit';

import type { ProfilesConfig } from './config.js';

/** What the profiles service needs. The adapters are owned by the caller and never closed here. */
export interface ProfilesDeps {
  config: ProfilesConfig & GatewayTrustConfig;
  logger: Logger;
  /** Delivers `user-events`. */
  bus: EventBus;
  /** Holds `profiles` (written here) and `items` (read). */
  store: VectorStore;
  /** Read only for its dimension, which sizes the profile vectors. */
  embedder: Embedder;
  /**
   * Opens sealed events, and `forgetUser` deletes the user's key from it, so every copy of
   * their events becomes unreadable. Without one, only events in the clear are read.
   */
  vault?: UserKeyVault;
  /** Epoch milliseconds, the "now" weights are decayed to for display; tests may fix it. */
  now?: () => number;
}
