// The catalog subgraph's wiring: its service, resolvers and schema on one server.
import 'reflect-metadata';

import { buildFederatedSchema, startSubgraph } from '@tailor/kit';
import type { GraphQLSchema } from 'graphql';

import { loadDemoCatalog } from './demo/load.js';
import type { CatalogDeps } from './deps.js';
import { ItemLoaders, itemReferenceResolvers } from './graphql/item.reference.js';
import { ItemResolver } from './graphql/item.resolver.js';
import { CATALOG_SCHEMA_CLASSES } from './graphql/schema.js';
import { ItemService } from './item.service.js';
import { createCatalogMetrics } from './metrics.js';

/** A running catalog subgraph. */
export interface RunningCatalog {
  /** `http://host:port/graphql`. */
  url: string;
  port: number;
  /** Stops the server; the store and embedder stay open (their owner closes them). */
  close(): Promise<void>;
}

function schemaOf(items: ItemService): Promise<GraphQLSchema> {
  const loaders = new ItemLoaders(items);
  const resolver = new ItemResolver(items, loaders);
  return buildFederatedSchema(
    {
      ...CATALOG_SCHEMA_CLASSES,
      container: {
        get: (cls: unknown) => {
          if (cls === ItemResolver) return resolver;
          throw new Error(`no instance of ${String(cls)} in the catalog container`);
        },
      },
    },
    itemReferenceResolvers(loaders),
  );
}

/**
 * Starts the catalog subgraph: creates the `items` collection when missing, loads the demo
 * catalog into an empty one when `CATALOG_SEED_DEMO` is on, then serves `/graphql`.
 */
export async function startCatalog(
  deps: CatalogDeps & { host: string; port: number },
): Promise<RunningCatalog> {
  const metrics = createCatalogMetrics();
  const items = new ItemService({ ...deps, metrics });
  await items.ensureCollection();
  if (deps.config.CATALOG_SEED_DEMO) await loadDemoCatalog(deps);
  const subgraph = await startSubgraph({
    name: 'catalog',
    schema: await schemaOf(items),
    logger: deps.logger,
    host: deps.host,
    port: deps.port,
    maxBodyBytes: deps.config.CATALOG_MAX_BODY_BYTES,
    gatewaySecret: deps.config.GATEWAY_SHARED_SECRET,
    routes: (_app, registry) => {
      registry.registerMetric(metrics.itemsWritten);
      registry.registerMetric(metrics.embedSeconds);
    },
  });
  return { url: subgraph.url, port: subgraph.port, close: () => subgraph.close() };
}
