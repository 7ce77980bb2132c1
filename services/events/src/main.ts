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

import { eventsEnvShape } from './config.js';
import { startEvents } from './index.js';

const config = loadConfigOrExit(
  z
    .object({ ...baseEnvShape, ...adapterEnvShape, ...eventsEnvShape })
    .superRefine(refineAdapterEnv),
);
const logger = createLogger({ name: 'events', level: config.LOG_LEVEL });
const adapters = await createAdapters(config, logger);
const events = await startEvents({
  config,
  logger,
  bus: adapters.bus,
  host: config.HOST,
  port: config.EVENTS_PORT,
});
handleShutdown({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  steps: () => [
    { name: 'events server', run: () => events.close() },
    { name: 'adapters', run: () => adapters.close() },
  ],
});
