// What the deployment files must agree with: the services of the workspace and the environment
// variables each one reads, taken from the code's own zod shapes rather than restated here.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { catalogEnvShape } from '@tailor/catalog';
import { generationEnvShape } from '@tailor/generation';
import { adapterEnvShape, baseEnvShape } from '@tailor/kit';
import { meshEnvSchema } from '@tailor/mesh';
import { profilesEnvShape } from '@tailor/profiles';
import { recommenderEnvShape } from '@tailor/recommender';
import { trainerEnvShape } from '@tailor/trainer';

import { ROOT } from './tools.js';

/** The Dockerfile's SERVICE value of the gateway (its package folder is graph/). */
export const GATEWAY_SERVICE = 'graph';

/** The one-process mesh: an image of its own, but no container in compose or Kubernetes. */
export const MESH_SERVICE = 'mesh';

/**
 * Every process the workspace can run on its own, by the Dockerfile's SERVICE name: each
 * services/<name> with a src/main.ts, and the gateway.
 */
export function workspaceServices(): string[] {
  const services = readdirSync(join(ROOT, 'services'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .filter((name) => existsSync(join(ROOT, 'services', name, 'src', 'main.ts')));
  return [...services, GATEWAY_SERVICE].sort();
}

/** Name of the Kubernetes Deployment / compose service that runs a SERVICE. */
export function workloadName(service: string): string {
  return service === GATEWAY_SERVICE ? 'gateway' : service;
}

type Shape = Record<string, unknown>;

// events and the gateway are not dependencies of the tests package; the mesh depends on both,
// so their shapes are loaded through it.
async function shapeThroughMesh(pkg: string, exportName: string): Promise<Shape> {
  const mesh = createRequire(import.meta.url).resolve('@tailor/mesh');
  const path = createRequire(mesh).resolve(pkg);
  const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const shape = module[exportName];
  if (typeof shape !== 'object' || shape === null) throw new Error(`${pkg} has no ${exportName}`);
  return shape as Shape;
}

/** The environment variable names each SERVICE's process reads. */
export async function envNamesByService(): Promise<Map<string, ReadonlySet<string>>> {
  const eventsEnvShape = await shapeThroughMesh('@tailor/events', 'eventsEnvShape');
  const gatewayEnvShape = await shapeThroughMesh('@tailor/graph', 'gatewayEnvShape');
  // A service process is runService's schema: base, adapters and its own (services/kit/src/service.ts).
  const serviceNames = (own: Shape) =>
    new Set([...Object.keys(baseEnvShape), ...Object.keys(adapterEnvShape), ...Object.keys(own)]);
  return new Map<string, ReadonlySet<string>>([
    ['catalog', serviceNames(catalogEnvShape)],
    ['events', serviceNames(eventsEnvShape)],
    ['profiles', serviceNames(profilesEnvShape)],
    ['trainer', serviceNames(trainerEnvShape)],
    ['recommender', serviceNames(recommenderEnvShape)],
    ['generation', serviceNames(generationEnvShape)],
    // graph/src/main.ts: base and gateway variables, no adapters.
    [GATEWAY_SERVICE, new Set([...Object.keys(baseEnvShape), ...Object.keys(gatewayEnvShape)])],
    [MESH_SERVICE, new Set(Object.keys(meshEnvSchema.shape))],
  ]);
}
