import type { EventBus, GatewayTrustConfig, Logger, UserKeyVault, VectorStore } from '@tailor/kit';

import type { GenerationConfig } from './config.js';
import type { DecisionSink } from './loop/creative-loop.js';

/** What the generation subgraph needs. The adapters are owned by the caller and never closed here. */
export interface GenerationDeps {
  config: GenerationConfig & GatewayTrustConfig;
  logger: Logger;
  /** Where items and profiles are read from; owned by the caller and never closed here. */
  store: VectorStore;
  /**
   * Base of thumbnail URLs when `GENERATION_PUBLIC_BASE_URL` is unset, read per request: the
   * embedded mesh points it at its gateway, which passes `/thumbnails` through. Without either,
   * URLs point at this service itself.
   */
  publicBaseUrl?: () => string;
  /** Where variant decisions are logged; the service's log (debug) when absent. */
  decisions?: DecisionSink;
  /**
   * `user-events`, read for the bandit's rewards and experiments' results (exposures and what
   * followed them); without it the bandit learns nothing from events, arms still apply but
   * results stay empty.
   */
  bus?: EventBus;
  /** Opens sealed events for the experiments' results. */
  vault?: UserKeyVault;
}
