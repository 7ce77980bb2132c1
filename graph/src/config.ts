import { fileURLToPath } from 'node:url';

import { env } from '@tailor/kit';
import { z } from 'zod';

import { gatewayAuthShape } from './auth/config.js';
import { GATEWAY_ENGINES } from './engines/types.js';

/** The subgraphs the gateway federates, by supergraph name. */
export const SUBGRAPH_NAMES = [
  'catalog',
  'events',
  'profiles',
  'recommender',
  'generation',
  'trainer',
] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

/** Where each subgraph listens by default; the composed supergraph records these URLs. */
export const DEFAULT_SUBGRAPH_URLS: Record<SubgraphName, string> = {
  catalog: 'http://127.0.0.1:4001/graphql',
  events: 'http://127.0.0.1:4002/graphql',
  profiles: 'http://127.0.0.1:4003/graphql',
  recommender: 'http://127.0.0.1:4004/graphql',
  generation: 'http://127.0.0.1:4005/graphql',
  trainer: 'http://127.0.0.1:4006/graphql',
};

export const DEFAULT_SUPERGRAPH_PATH = fileURLToPath(
  new URL('../supergraph.graphql', import.meta.url),
);

/** The edge limits. Each refuses a request before any subgraph is called. */
export const gatewayLimitsShape = {
  /** Deepest selection nesting; the Home query needs 6. */
  GRAPHQL_MAX_DEPTH: env.int(10, 1, 100),
  /** graphql-armor cost: objects 2, scalars 1, multiplied by depth (factor 1.5). */
  GRAPHQL_MAX_COST: env.int(5_000, 1, 1_000_000),
  GRAPHQL_MAX_ALIASES: env.int(15, 0, 1_000),
  GRAPHQL_MAX_DIRECTIVES: env.int(50, 0, 1_000),
  GRAPHQL_MAX_TOKENS: env.int(2_000, 1, 100_000),
  /**
   * Whether clients may introspect the graph. On by default: the schema is the product's
   * documentation (every type and field is described). Turning it off hides it from tools.
   */
  GRAPHQL_INTROSPECTION: env.bool(true),
  /** Largest request body the gateway reads. */
  GATEWAY_MAX_BODY_BYTES: env.int(1_048_576, 1_024, 104_857_600),
};

/**
 * Overload handling at the gateway (graph/README.md, "Overload"): how many GraphQL requests run
 * at once, how many may wait, and how long any request may take.
 */
export const gatewayOverloadShape = {
  /** The adaptive concurrency limit never goes below this. */
  GATEWAY_CONCURRENCY_MIN: env.int(4, 1, 100_000),
  /** Nor above this. */
  GATEWAY_CONCURRENCY_MAX: env.int(256, 1, 100_000),
  /** A request slower than this lowers the limit (x0.9); faster ones at the limit raise it. */
  GATEWAY_LATENCY_TARGET_MS: env.int(250, 1, 600_000),
  /** Requests that may wait for a slot; beyond it the gateway answers 503 at once. 0: none. */
  GATEWAY_QUEUE_MAX: env.int(16, 0, 100_000),
  /** The longest a request waits for a slot before it is refused. */
  GATEWAY_QUEUE_TIMEOUT_MS: env.int(100, 1, 60_000),
  /** The `Retry-After` of a refusal. */
  GATEWAY_RETRY_AFTER_SECONDS: env.int(1, 1, 3_600),
  /** Each request's budget, queueing included; a client may ask for less (x-tailor-timeout-ms). */
  GATEWAY_REQUEST_TIMEOUT_MS: env.int(10_000, 1, 600_000),
};

export const gatewayEnvShape = {
  GATEWAY_PORT: env.port(4000),
  /**
   * The GraphQL engine behind `/graphql`: `hive-router` (Hive Gateway with the Hive Router query
   * planner) or `apollo` (Apollo Server with Apollo Gateway); graph/README.md, "Engines".
   */
  GATEWAY_ENGINE: z.enum(GATEWAY_ENGINES).default('hive-router'),
  SUPERGRAPH_PATH: z.string().min(1).default(DEFAULT_SUPERGRAPH_PATH),
  CATALOG_URL: env.url().default(DEFAULT_SUBGRAPH_URLS.catalog),
  EVENTS_URL: env.url().default(DEFAULT_SUBGRAPH_URLS.events),
  PROFILES_URL: env.url().default(DEFAULT_SUBGRAPH_URLS.profiles),
  RECOMMENDER_URL: env.url().default(DEFAULT_SUBGRAPH_URLS.recommender),
  GENERATION_URL: env.url().default(DEFAULT_SUBGRAPH_URLS.generation),
  TRAINER_URL: env.url().default(DEFAULT_SUBGRAPH_URLS.trainer),
  ...gatewayLimitsShape,
  ...gatewayOverloadShape,
  /** AUTH_MODE and the token settings; see graph/README.md, "Auth". */
  ...gatewayAuthShape,
};

export type GatewayLimits = z.output<z.ZodObject<typeof gatewayLimitsShape>>;
export type GatewayOverloadSettings = z.output<z.ZodObject<typeof gatewayOverloadShape>>;
export type GatewayConfig = z.output<z.ZodObject<typeof gatewayEnvShape>>;

/** The subgraph URLs of a parsed config, by subgraph name. */
export function subgraphUrlsOf(config: GatewayConfig): Record<SubgraphName, string> {
  return {
    catalog: config.CATALOG_URL,
    events: config.EVENTS_URL,
    profiles: config.PROFILES_URL,
    recommender: config.RECOMMENDER_URL,
    generation: config.GENERATION_URL,
    trainer: config.TRAINER_URL,
  };
}
