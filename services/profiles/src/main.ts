import {
  adapterEnvShape,
  baseEnvShape,
  createAdapters,
  createLogger,
  handleShutdown,
  loadConfigOrExit,
  refineAdapterEnv,
} from '@tailor/kit';
import { z } from 'zod';

import { profilesEnvShape } from './config.js';
import { startProfiles } from './index.js';

const config = loadConfigOrExit(
  z
    .object({ ...baseEnvShape, ...adapterEnvShape, ...profilesEnvShape })
    .superRefine(refineAdapterEnv),
);
const logger = createLogger({ name: 'profiles', level: config.LOG_LEVEL });
const adapters = await createAdapters(config, logger);
const profiles = await startProfiles({
  config,
  logger,
  bus: adapters.bus,
  store: adapters.store,
  embedder: adapters.embedder,
  host: config.HOST,
  port: config.PROFILES_PORT,
});
handleShutdown({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  steps: () => [
    // Stops consuming first: the batch in hand is applied and committed before the store closes.
    { name: 'profiles consumer and server', run: () => profiles.close() },
    { name: 'adapters', run: () => adapters.close() },
  ],
});
