import { loadConfig } from '@tailor/kit';
import { type MeshConfig, meshEnvSchema } from '@tailor/mesh';

/**
 * The configuration every service would read in the embedded mesh, on defaults except where
 * a bench says otherwise. The mesh's schema is the union of every service's, so one parse gives
 * each service its own config exactly as `npm start` would.
 */
export function benchConfig(dataDir: string, extra: Record<string, string> = {}): MeshConfig {
  return loadConfig(meshEnvSchema, {
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    CATALOG_SEED_DEMO: 'false',
    MESH_SEED_DEMO_USERS: 'false',
    ...extra,
  });
}
