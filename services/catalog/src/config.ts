import { cfEnvShape, env } from '@tailor/kit';
import { type z } from 'zod';

/**
 * Default largest `/graphql` request body. A full batch of 500 items with long descriptions and
 * many attributes runs to several megabytes, far above the kit's default for other subgraphs.
 */
export const DEFAULT_CATALOG_MAX_BODY_BYTES = 16 * 1_048_576;

/** Environment of the catalog subgraph. */
export const catalogEnvShape = {
  ...cfEnvShape,
  CATALOG_PORT: env.port(4001),
  /** Load the bundled demo catalog when the items collection is empty. */
  CATALOG_SEED_DEMO: env.bool(true),
  CATALOG_MAX_BODY_BYTES: env.int(DEFAULT_CATALOG_MAX_BODY_BYTES, 1_024, 256 * 1_048_576),
};

/** The parsed settings the catalog subgraph reads. */
export type CatalogConfig = Readonly<z.output<z.ZodObject<typeof catalogEnvShape>>>;
