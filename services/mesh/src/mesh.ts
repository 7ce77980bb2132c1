import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { startCatalog } from '@tailor/catalog';
import { startEvents } from '@tailor/events';
import { startGeneration } from '@tailor/generation';
import { startGateway, type SubgraphName } from '@tailor/graph';
import {
  type Adapters,
  createAdapters,
  createUserKeyVault,
  loadConfig,
  type Logger,
  type UserKeyVault,
} from '@tailor/kit';
import { startProfiles } from '@tailor/profiles';
import { startRecommender } from '@tailor/recommender';
import { startTrainer } from '@tailor/trainer';

import { type MeshConfig, meshEnvSchema } from './config.js';
import { seedDemoUsers } from './demo-users.js';

/** A running embedded mesh. */
export interface Mesh {
  config: MeshConfig;
  /** The gateway's `/graphql` URL: the one address clients use. */
  gatewayUrl: string;
  /** Each subgraph's `/graphql` URL (the gateway reaches them over real HTTP). */
  subgraphUrls: Record<SubgraphName, string>;
  adapters: Adapters;
  /** Stops consuming, stops every server, then flushes and closes the stores and the bus. */
  close(): Promise<void>;
}

/** Options of {@link startMesh}. */
export interface MeshOptions {
  /** Environment to read; tests pass their own (ports 0, a temp DATA_DIR). */
  env?: Record<string, string | undefined>;
  logger: Logger;
}

interface Closable {
  close(): Promise<void>;
}

/**
 * Starts every subgraph and the gateway in this process on one shared set of adapters. The
 * gateway still talks to the subgraphs over HTTP, exactly as it does when they are pods.
 */
export async function startMesh(options: MeshOptions): Promise<Mesh> {
  const config = loadConfig(meshEnvSchema, options.env ?? process.env);
  const logger = options.logger;
  const adapters = await createAdapters(config, logger);
  const started: Closable[] = [];
  try {
    const host = config.HOST;
    // One vault for the process: every event is sealed with its user's key before the bus.
    const vault = await createUserKeyVault({
      store: adapters.store,
      pseudonymSecret: config.USER_PSEUDONYM_SECRET,
    });
    const deps = { config, logger, ...adapters, vault, host };
    const catalog = await startCatalog({
      ...deps,
      logger: logger.child({ subgraph: 'catalog' }),
      port: config.CATALOG_PORT,
    });
    started.push(catalog);
    const profiles = await startProfiles({
      ...deps,
      logger: logger.child({ subgraph: 'profiles' }),
      port: config.PROFILES_PORT,
    });
    started.push(profiles);
    const trainer = await startTrainer({
      ...deps,
      logger: logger.child({ service: 'trainer' }),
      port: config.TRAINER_PORT,
    });
    started.push(trainer);
    const recommender = await startRecommender({
      ...deps,
      logger: logger.child({ subgraph: 'recommender' }),
      port: config.RECOMMENDER_PORT,
    });
    started.push(recommender);
    const events = await startEvents({
      ...deps,
      logger: logger.child({ subgraph: 'events' }),
      port: config.EVENTS_PORT,
    });
    started.push(events);
    // Thumbnails go through the gateway, the one address clients use; its port is known later.
    let gatewayOrigin = '';
    const generation = await startGeneration({
      ...deps,
      logger: logger.child({ subgraph: 'generation' }),
      port: config.GENERATION_PORT,
      publicBaseUrl: () => gatewayOrigin,
    });
    started.push(generation);

    const subgraphUrls = {
      catalog: catalog.url,
      events: events.url,
      profiles: profiles.url,
      recommender: recommender.url,
      generation: generation.url,
      trainer: trainer.url,
    };
    const gateway = await startGateway({
      logger,
      host,
      port: config.GATEWAY_PORT,
      supergraphSdl: await readFile(config.SUPERGRAPH_PATH, 'utf8'),
      subgraphUrls,
      engine: config.GATEWAY_ENGINE,
      limits: config,
      overload: config,
      auth: config,
    });
    started.push(gateway);
    gatewayOrigin = gateway.url.replace(/\/graphql$/, '');

    if (config.MESH_SEED_DEMO_USERS) await seedOnce(config.DATA_DIR, adapters, vault, logger);

    return {
      config,
      gatewayUrl: gateway.url,
      subgraphUrls,
      adapters,
      close: async () => {
        // The gateway first (no new requests), then subgraphs and consumers, the stores last.
        for (const server of started.reverse()) await server.close();
        await adapters.close();
      },
    };
  } catch (err) {
    for (const server of started.reverse()) await server.close().catch(() => undefined);
    await adapters.close().catch(() => undefined);
    throw err;
  }
}

/** Demo histories go out once per data directory; a marker file remembers it. */
async function seedOnce(
  dataDir: string,
  adapters: Adapters,
  vault: UserKeyVault,
  logger: Logger,
): Promise<void> {
  const marker = join(dataDir, 'mesh', 'demo-users-seeded.json');
  if (existsSync(marker)) return;
  const count = await seedDemoUsers(adapters.bus, adapters.store, vault);
  await mkdir(join(dataDir, 'mesh'), { recursive: true });
  await writeFile(marker, JSON.stringify({ seededAt: new Date().toISOString(), events: count }));
  logger.info({ events: count }, 'demo users seeded');
}
