import {
  ConfigError,
  createLogger,
  handleShutdown,
  loadConfigOrExit,
  startTracing,
} from '@tailor/kit';

import { meshEnvSchema } from './config.js';
import { DEMO_USERS } from './demo-users.js';
import { startMesh } from './mesh.js';

const config = loadConfigOrExit(meshEnvSchema);
const logger = createLogger({ name: 'tailor', level: config.LOG_LEVEL });
// One process, one `service.name`: spans tell the services apart by their names and attributes.
const tracing = startTracing({ serviceName: 'tailor', settings: config, logger });
const mesh = await startMesh({ logger }).catch((err: unknown) => {
  // A setting that contradicts what is stored (another EMBEDDER than made the collections) is the
  // operator's to fix: the message names it, a stack trace would only bury it.
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
handleShutdown({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  steps: () => [
    { name: 'mesh', run: () => mesh.close() },
    { name: 'tracing', run: () => tracing.shutdown() },
  ],
});
logger.info({ gatewayUrl: mesh.gatewayUrl, subgraphs: mesh.subgraphUrls }, 'Tailor is up');
// A plain banner for people at a terminal; the structured line above is for machines.
process.stdout.write(
  `\nTailor is up: ${mesh.gatewayUrl}\nDemo users: ${DEMO_USERS.map((u) => `${u.id} (${u.persona})`).join(', ')}\n\n`,
);
