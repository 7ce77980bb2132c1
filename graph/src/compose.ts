import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { composeServices } from '@apollo/composition';
import { createLogger } from '@tailor/kit';
import { parse } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { DEFAULT_SUPERGRAPH_PATH, SUBGRAPH_NAMES, type SubgraphName } from './config.js';

/**
 * Composition hints we accept on purpose, by code. Anything else fails composition, so a new
 * hint is read by a person before it lands.
 */
export const ACCEPTED_HINT_CODES: ReadonlySet<string> = new Set([]);

/** graph/supergraph.yaml: which subgraphs are composed, where they are routed, their SDL files. */
export const SUPERGRAPH_CONFIG_PATH = fileURLToPath(new URL('../supergraph.yaml', import.meta.url));

export interface SubgraphSdl {
  name: SubgraphName;
  url: string;
  sdl: string;
}

const supergraphConfigSchema = z.object({
  subgraphs: z.record(
    z.enum(SUBGRAPH_NAMES),
    z.object({ routing_url: z.url(), schema: z.object({ file: z.string().min(1) }) }),
  ),
});

/**
 * The subgraphs the config lists, each with its committed SDL. Reads files only: graph/ needs
 * no service's code to compose, and a stale file is caught by that service's own test.
 */
export function subgraphSdls(configPath: string = SUPERGRAPH_CONFIG_PATH): SubgraphSdl[] {
  const config = supergraphConfigSchema.parse(parseYaml(readFileSync(configPath, 'utf8')));
  return SUBGRAPH_NAMES.flatMap((name) => {
    const subgraph = config.subgraphs[name];
    if (subgraph === undefined) return [];
    const file = resolve(dirname(configPath), subgraph.schema.file);
    return [{ name, url: subgraph.routing_url, sdl: readFileSync(file, 'utf8') }];
  });
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
  const composition = compose(subgraphSdls());
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
