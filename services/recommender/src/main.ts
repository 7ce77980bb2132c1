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

import { recommenderEnvShape } from './config.js';
import { startRecommender } from './index.js';

const config = loadConfigOrExit(
  z
    .object({ ...baseEnvShape, ...adapterEnvShape, ...recommenderEnvShape })
    .superRefine(refineAdapterEnv),
);
const logger = createLogger({ name: 'recommender', level: config.LOG_LEVEL });
const adapters = await createAdapters(config, logger);
const recommender = await startRecommender({
  config,
  logger,
  bus: adapters.bus,
  store: adapters.store,
  embedder: adapters.embedder,
  host: config.HOST,
  port: config.RECOMMENDER_PORT,
});
handleShutdown({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  steps: () => [
    { name: 'recommender', run: () => recommender.close() },
    { name: 'adapters', run: () => adapters.close() },
  ],
});
