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

import { catalogEnvShape } from './config.js';
import { startCatalog } from './index.js';

const config = loadConfigOrExit(
  z
    .object({ ...baseEnvShape, ...adapterEnvShape, ...catalogEnvShape })
    .superRefine(refineAdapterEnv),
);
const logger = createLogger({ name: 'catalog', level: config.LOG_LEVEL });
const adapters = await createAdapters(config, logger);
const catalog = await startCatalog({
  config,
  logger,
  store: adapters.store,
  embedder: adapters.embedder,
  host: config.HOST,
  port: config.CATALOG_PORT,
});
handleShutdown({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  steps: () => [
    { name: 'catalog server', run: () => catalog.close() },
    { name: 'adapters', run: () => adapters.close() },
  ],
});
