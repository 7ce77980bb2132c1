import { readFileSync } from 'node:fs';

import {
  baseEnvShape,
  createLogger,
  handleShutdown,
  loadConfigOrExit,
  startTracing,
} from '@tailor/kit';
import { z } from 'zod';

import { refineGatewayAuthEnv } from './auth/index.js';
import { gatewayEnvShape, subgraphUrlsOf } from './config.js';
import { startGateway } from './gateway.js';

const config = loadConfigOrExit(
  z.object({ ...baseEnvShape, ...gatewayEnvShape }).superRefine(refineGatewayAuthEnv),
);
const logger = createLogger({ name: 'gateway', level: config.LOG_LEVEL });
const tracing = startTracing({ serviceName: 'gateway', settings: config, logger });
const gateway = await startGateway({
  logger,
  host: config.HOST,
  port: config.GATEWAY_PORT,
  supergraphSdl: readFileSync(config.SUPERGRAPH_PATH, 'utf8'),
  subgraphUrls: subgraphUrlsOf(config),
  engine: config.GATEWAY_ENGINE,
  limits: config,
  overload: config,
  auth: config,
});
handleShutdown({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  steps: () => [
    { name: 'gateway', run: () => gateway.close() },
    { name: 'tracing', run: () => tracing.shutdown() },
  ],
});
