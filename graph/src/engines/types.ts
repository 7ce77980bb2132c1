import type { Logger, Viewer } from '@tailor/kit';
import type { RequestHandler } from 'express';

import type { GatewayLimits, SubgraphName } from '../config.js';
import type { GatewayOverload } from '../overload/gateway-overload.js';

/** The GraphQL engines the gateway can run; graph/README.md, "Engines", says how they differ. */
export const GATEWAY_ENGINES = ['hive-router', 'apollo'] as const;
export type GatewayEngine = (typeof GATEWAY_ENGINES)[number];

/** What the gateway keeps per request. */
export interface GatewayContext {
  requestId: string;
  /** Who the request acts for, from its verified token (`trusted` when auth is off). */
  viewer: Viewer;
  /** Fires at the request's deadline or when its client disconnects; subgraph calls stop. */
  signal: AbortSignal;
  /** `performance.now()` time of the deadline; subgraphs get what is left of it. */
  deadlineAt: number;
}

/** What either engine is built from. */
export interface EngineOptions {
  logger: Logger;
  /** The composed supergraph SDL (graph/supergraph.graphql). */
  supergraphSdl: string;
  /** Where each subgraph is reached; overrides the URLs recorded in the supergraph. */
  subgraphUrls: Record<SubgraphName, string>;
  limits: GatewayLimits;
  overload: GatewayOverload;
  /** Sent to every subgraph so it can tell the gateway from any other caller. */
  gatewaySecret: string | undefined;
}

/** An engine ready to serve: the `/graphql` handler, mounted after auth, admission and the body reader. */
export interface GraphqlEngine {
  handler: RequestHandler;
  stop(): Promise<void>;
}
