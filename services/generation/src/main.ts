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

import { generationEnvShape } from './config.js';
import { startGeneration } from './index.js';

const config = loadConfigOrExit(
  z
    .object({ ...baseEnvShape, ...adapterEnvShape, ...generationEnvShape })
    .superRefine(refineAdapterEnv),
);
const logger = createLogger({ name: 'generation', level: config.LOG_LEVEL });
const adapters = await createAdapters(config, logger);
const generation = await startGeneration({
  config,
  logger,
  store: adapters.store,
  host: config.HOST,
  port: config.GENERATION_PORT,
});
handleShutdown({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  steps: () => [
    { name: 'generation server', run: () => generation.close() },
    { name: 'adapters', run: () => adapters.close() },
  ],
});
