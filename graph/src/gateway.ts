import type { IncomingMessage, ServerResponse } from 'node:http';

import {
  createServiceApp,
  jsonErrorHandler,
  listen,
  type ListeningServer,
  type Logger,
} from '@tailor/kit';
import express from 'express';
import { z } from 'zod';

import { createGatewayAuth, type GatewayAuthConfig } from './auth/index.js';
import {
  gatewayEnvShape,
  type GatewayLimits,
  type GatewayOverloadSettings,
  gatewayOverloadShape,
  type SubgraphName,
} from './config.js';
import { graphqlBodyErrorHandler } from './edge/body-errors.js';
import { startApolloEngine } from './engines/apollo.js';
import { startHiveRouterEngine } from './engines/hive-router.js';
import type { GatewayEngine, GraphqlEngine } from './engines/types.js';
import { feedPage } from './feed-page.js';
import { gatewayOverload } from './overload/gateway-overload.js';
import { thumbnailProxy } from './thumbnail-proxy.js';

export { GATEWAY_ENGINES, type GatewayContext, type GatewayEngine } from './engines/types.js';
export { supergraphAt } from './supergraph-urls.js';

/** Options of {@link startGateway}. */
export interface GatewayOptions {
  logger: Logger;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The composed supergraph SDL (graph/supergraph.graphql). */
  supergraphSdl: string;
  /** Where each subgraph is reached; overrides the URLs recorded in the supergraph. */
  subgraphUrls: Record<SubgraphName, string>;
  limits: GatewayLimits;
  /** Which GraphQL engine serves `/graphql` (`GATEWAY_ENGINE`); omitted means the default. */
  engine?: GatewayEngine;
  /** Admission and deadlines (graph/README.md, "Overload"); omitted means the defaults. */
  overload?: GatewayOverloadSettings;
  /**
   * `AUTH_*` and `GATEWAY_SHARED_SECRET` (see graph/README.md, "Auth"). Omitted means
   * `AUTH_MODE=off` with no secret: only for the embedded mesh, and logged as a warning.
   */
  auth?: GatewayAuthConfig;
}

export interface RunningGateway extends ListeningServer {
  /** `http://host:port/graphql`. */
  url: string;
}

/** What an omitted `auth` option means: the embedded mesh's default. */
const AUTH_OFF: GatewayAuthConfig = {
  AUTH_MODE: 'off',
  AUTH_ROLE_CLAIM: 'role',
  AUTH_CLOCK_TOLERANCE_SECONDS: 0,
};

/**
 * The federated gateway: plans queries over the supergraph, calls the subgraphs over HTTP and
 * enforces the edge limits (depth, cost, aliases, directives, tokens, body size).
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const log = options.logger.child({ component: 'gateway' });
  const authConfig = options.auth ?? AUTH_OFF;
  const auth = createGatewayAuth(authConfig, options.logger);
  const { app, registry } = createServiceApp({ name: 'gateway', logger: options.logger });
  const overload = gatewayOverload(
    options.overload ?? z.object(gatewayOverloadShape).parse({}),
    registry,
    log,
  );
  const engineOptions = {
    logger: options.logger,
    supergraphSdl: options.supergraphSdl,
    subgraphUrls: options.subgraphUrls,
    limits: options.limits,
    overload,
    gatewaySecret: authConfig.GATEWAY_SHARED_SECRET,
  };
  const engineName = options.engine ?? gatewayEnvShape.GATEWAY_ENGINE.parse(undefined);
  const engine: GraphqlEngine =
    engineName === 'apollo'
      ? await startApolloEngine(engineOptions)
      : startHiveRouterEngine(engineOptions);

  app.use(
    '/graphql',
    // Before the body is read: a caller without a valid token costs no parsing, nor does a
    // request refused for overload.
    auth.middleware,
    overload.admit,
    express.json({ limit: options.limits.GATEWAY_MAX_BODY_BYTES }),
    engine.handler,
  );
  app.use('/graphql', graphqlBodyErrorHandler);
  app.use(feedPage());
  app.use(
    thumbnailProxy(options.subgraphUrls.generation.replace(/\/graphql$/, ''), options.logger),
  );
  app.use(jsonErrorHandler);

  const listening = await listen(
    (req: IncomingMessage, res: ServerResponse) => {
      if (!overload.shedEarly(req, res)) app(req, res);
    },
    options.host,
    options.port,
  );
  const url = `http://${options.host}:${listening.port}/graphql`;
  log.info({ url, authMode: auth.mode, engine: engineName }, 'gateway listening');
  return {
    ...listening,
    url,
    close: async () => {
      await listening.close();
      await engine.stop();
    },
  };
}
