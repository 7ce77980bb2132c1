/*
 * `npm run start:prod`: the production mode on one machine. Every service and the gateway run
 * as their own processes on Kafka and Qdrant (scripts/tailor.mjs starts local ones first when
 * none is given), with the settings `npm start` has otherwise: the gateway on 4000, AUTH_MODE
 * off unless set, the demo users seeded. Ctrl-C or SIGTERM stops the gateway, then the services.
 */
import path from 'node:path';

import {
  ConfigError,
  createAdapters,
  createLogger,
  createUserKeyVault,
  loadConfigOrExit,
  type Logger,
  PROFILES_COLLECTION,
} from '@tailor/kit';

import { type MeshConfig, meshEnvSchema } from './config.js';
import { DEMO_USERS, seedDemoUsers } from './demo-users.js';
import { PROCESS_START_ORDER, type ProcessMesh, startProcessMesh } from './process-mesh.js';

/** Production mode: the processes share events and stores only through Kafka and Qdrant. */
const SHARED_ADAPTERS = { EVENT_BUS: 'kafka', VECTOR_STORE: 'qdrant' } as const;
/**
 * The services' own files (the trainer's interactions, thumbnails) apart from `npm start`'s
 * embedded log and store under `.data`, which belong to another event history.
 */
const PROD_DATA_DIR = path.join('.data', 'prod');

function environment(): Record<string, string | undefined> {
  for (const [variable, value] of Object.entries(SHARED_ADAPTERS)) {
    const set = process.env[variable];
    if (set !== undefined && set !== '' && set !== value) {
      process.stderr.write(
        `Invalid configuration:\n  ${variable}: start:prod runs on ${value} (got ${JSON.stringify(set)}); use npm start for the embedded mode\n`,
      );
      process.exit(1);
    }
  }
  return { DATA_DIR: PROD_DATA_DIR, ...process.env, ...SHARED_ADAPTERS };
}

/**
 * The demo histories, published once: when demo-alice has no profile yet (a fresh Kafka and
 * Qdrant, as start:prod's own servers are on every start). Their event ids are fixed, so a
 * second publication would count once anyway.
 */
async function seedDemoUsersOnce(config: MeshConfig, logger: Logger): Promise<void> {
  const adapters = await createAdapters(config, logger, ['bus', 'store']);
  try {
    const [alice] = await adapters.store.retrieve(PROFILES_COLLECTION, [DEMO_USERS[0]!.id], {
      withPayload: false,
    });
    if (alice !== undefined) return;
    const vault = await createUserKeyVault({
      store: adapters.store,
      pseudonymSecret: config.USER_PSEUDONYM_SECRET,
    });
    const events = await seedDemoUsers(adapters.bus, adapters.store, vault);
    logger.info({ events }, 'demo users seeded');
  } finally {
    await adapters.close();
  }
}

const env = environment();
// The same settings as `npm start`, checked once here so a bad one is named before any process
// starts; AUTH_MODE keeps the mesh's default (off) unless set.
const config = loadConfigOrExit(meshEnvSchema, env);
const logger = createLogger({ name: 'tailor-prod', level: config.LOG_LEVEL });

// Aborted by a Ctrl-C during start: the processes started so far are stopped, none more start.
const abort = new AbortController();
const starting: Promise<ProcessMesh> = startProcessMesh({
  env: { ...env, AUTH_MODE: config.AUTH_MODE },
  ports: 'configured',
  output: 'inherit',
  stopTimeoutMs: config.SHUTDOWN_TIMEOUT_MS + 5_000,
  signal: abort.signal,
});
let stopping: Promise<void> | undefined;
const stop = (code: number): Promise<void> => {
  stopping ??= (async () => {
    abort.abort();
    logger.info('stopping the gateway, then the services');
    const exits = await starting.then(
      (mesh) => mesh.stop(),
      () => ({}),
    );
    const unclean = Object.entries(exits).filter(([, e]) => e.code !== 0);
    if (unclean.length > 0) logger.warn({ exits: Object.fromEntries(unclean) }, 'unclean exits');
    logger.flush(() => process.exit(code));
  })();
  return stopping;
};
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));

const running = await starting.catch(async (err: unknown) => {
  if (abort.signal.aborted) {
    // stop() exits once the processes started so far are down.
    await stopping;
  } else if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  } else {
    logger.fatal({ err }, 'the production mesh did not start');
    logger.flush(() => process.exit(1));
  }
  return new Promise<never>(() => undefined);
});
// A service that dies takes the mesh down with it: half a mesh would answer with errors.
for (const name of PROCESS_START_ORDER) {
  void running.process(name).exited.then((exit) => {
    if (stopping !== undefined) return;
    logger.error({ process: name, ...exit }, 'a service exited; stopping the others');
    void stop(1);
  });
}
if (config.MESH_SEED_DEMO_USERS) {
  // Without the demo histories the mesh still serves everyone else: say so, keep running.
  await seedDemoUsersOnce(config, logger).catch((err: unknown) =>
    logger.error({ err }, 'the demo users could not be seeded'),
  );
}
logger.info(
  { gatewayUrl: running.gatewayUrl, processes: running.origins, authMode: config.AUTH_MODE },
  'Tailor is up (production mode)',
);
process.stdout.write(
  `\nTailor is up in production mode: ${running.gatewayUrl}\n` +
    `Each service its own process on Kafka (${(config.KAFKA_BROKERS ?? []).join(',')}) and Qdrant (${config.QDRANT_URL ?? ''}); AUTH_MODE=${config.AUTH_MODE}\n` +
    `Demo users: ${DEMO_USERS.map((u) => `${u.id} (${u.persona})`).join(', ')}\n\n`,
);
