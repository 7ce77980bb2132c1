import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { composeServices } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { buildCatalogSchema, catalogEnvShape } from '@tailor/catalog';
import { buildEventsSchema, eventsEnvShape } from '@tailor/events';
import { buildGenerationSchema, generationEnvShape } from '@tailor/generation';
import {
  adapterEnvShape,
  baseEnvShape,
  createAdapters,
  createLogger,
  loadConfig,
  silentLogger,
} from '@tailor/kit';
import { buildProfilesSchema, profilesEnvShape } from '@tailor/profiles';
import { buildRecommenderSchema, recommenderEnvShape } from '@tailor/recommender';
import { buildTrainerSchema, trainerEnvShape } from '@tailor/trainer';
import { parse } from 'graphql';
import { z } from 'zod';

import { DEFAULT_SUBGRAPH_URLS, DEFAULT_SUPERGRAPH_PATH, type SubgraphName } from './config.js';

/**
 * Composition hints we accept on purpose, by code. Anything else fails composition, so a new
 * hint is read by a person before it lands.
 */
export const ACCEPTED_HINT_CODES: ReadonlySet<string> = new Set([]);

export interface SubgraphSdl {
  name: SubgraphName;
  url: string;
  sdl: string;
}

/** Prints every subgraph's SDL from its code, on embedded adapters in a throwaway directory. */
export async function subgraphSdls(): Promise<SubgraphSdl[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tailor-compose-'));
  const logger = silentLogger();
  try {
    const config = loadConfig(
      z.object({
        ...baseEnvShape,
        ...adapterEnvShape,
        ...catalogEnvShape,
        ...eventsEnvShape,
        ...profilesEnvShape,
        ...recommenderEnvShape,
        ...generationEnvShape,
        ...trainerEnvShape,
      }),
      { DATA_DIR: dataDir },
    );
    const adapters = await createAdapters(config, logger);
    try {
      const deps = { config, logger, ...adapters };
      const schemas: Record<SubgraphName, Awaited<ReturnType<typeof buildCatalogSchema>>> = {
        catalog: await buildCatalogSchema(deps),
        events: await buildEventsSchema(deps),
        profiles: await buildProfilesSchema(deps),
        recommender: await buildRecommenderSchema(deps),
        generation: await buildGenerationSchema(deps),
        trainer: await buildTrainerSchema(deps),
      };
      return (Object.keys(schemas) as SubgraphName[]).map((name) => ({
        name,
        url: DEFAULT_SUBGRAPH_URLS[name],
        sdl: printSubgraphSchema(schemas[name]),
      }));
    } finally {
      await adapters.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

export type Composition = { ok: true; supergraphSdl: string } | { ok: false; problems: string[] };

/** Composes the subgraphs; errors and unaccepted hints are both problems. */
export function compose(subgraphs: readonly SubgraphSdl[]): Composition {
  const result = composeServices(
    subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })),
  );
  const problems = [
    ...(result.errors ?? []).map((e) => `error: ${e.message}`),
    ...(result.hints ?? [])
      .filter((h) => !ACCEPTED_HINT_CODES.has(h.definition.code))
      .map((h) => `hint ${h.definition.code}: ${h.message}`),
  ];
  if (problems.length > 0 || result.supergraphSdl === undefined) {
    return { ok: false, problems: problems.length > 0 ? problems : ['no supergraph produced'] };
  }
  return { ok: true, supergraphSdl: `${result.supergraphSdl.trimEnd()}\n` };
}

/** Composes and writes graph/supergraph.graphql, or with `--check` fails when it is stale. */
async function main(argv: readonly string[]): Promise<number> {
  const log = createLogger({ name: 'compose', level: 'info' });
  const composition = compose(await subgraphSdls());
  if (!composition.ok) {
    log.error({ problems: composition.problems }, 'composition failed');
    return 1;
  }
  if (argv.includes('--check')) {
    const committed = readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8');
    if (committed !== composition.supergraphSdl) {
      log.error({ path: DEFAULT_SUPERGRAPH_PATH }, 'supergraph is stale: run npm run compose');
      return 1;
    }
    log.info('supergraph is current');
    return 0;
  }
  writeFileSync(DEFAULT_SUPERGRAPH_PATH, composition.supergraphSdl);
  log.info({ path: DEFAULT_SUPERGRAPH_PATH }, 'supergraph written');
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
