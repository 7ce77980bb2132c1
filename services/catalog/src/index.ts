// The catalog's public face: what the mesh, the tests and the tools import. reflect-metadata
// comes first: the resolver classes behind these modules are decorated as they load.
import 'reflect-metadata';

export { type CatalogConfig, catalogEnvShape, DEFAULT_CATALOG_MAX_BODY_BYTES } from './config.js';
export { DEMO_CATALOG_FILE, loadDemoCatalog, type LoadDemoCatalogOptions } from './demo/load.js';
export type { CatalogDeps } from './deps.js';
export { ITEM_LIMITS, type ItemFieldError, type ItemFields, validateItem } from './domain/item.js';
export { QUERY_LIMITS } from './domain/query.js';
export { type RunningCatalog, startCatalog } from './subgraph.js';
