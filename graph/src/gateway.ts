import type { IncomingMessage, ServerResponse } from 'node:http';

import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import {
  ANONYMOUS,
  createServiceApp,
  currentRequestId,
  GATEWAY_SECRET_HEADER,
  jsonErrorHandler,
  listen,
  type ListeningServer,
  type Logger,
  REQUEST_ID_HEADER,
  traceHeaders,
  type Viewer,
  VIEWER_ID_HEADER,
  viewerHeaders,
} from '@tailor/kit';
import express from 'express';
import { z } from 'zod';

import { createGatewayAuth, type GatewayAuthConfig, viewerOfResponse } from './auth/index.js';
import {
  type GatewayLimits,
  type GatewayOverloadSettings,
  gatewayOverloadShape,
  type SubgraphName,
} from './config.js';
import { graphqlBodyErrorHandler } from './edge/body-errors.js';
import { edgeProtection } from './edge/protection.js';
import { subgraphHttpError } from './edge/subgraph-errors.js';
import { feedPage } from './feed-page.js';
import { gatewayOverload, type SubgraphCalls } from './overload/gateway-overload.js';
import { thumbnailProxy } from './thumbnail-proxy.js';

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

/**
 * Passes the request id and the trace context on, so one id and one trace follow a request
 * through every subgraph, and the verified viewer with the gateway secret, so subgraphs know who acts and that the gateway
 * vouches for it.
 */
class TracedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly gatewaySecret: string | undefined,
    private readonly calls: SubgraphCalls,
  ) {
    super({ url, fetcher: calls.fetcher });
  }

  override willSendRequest({
    request,
    context,
  }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]): void {
    const headers = request.http?.headers;
    if (headers === undefined) return;
    if (context.requestId !== undefined) headers.set(REQUEST_ID_HEADER, context.requestId);
    // Outgoing headers start empty (no client header is copied) and the viewer's are always
    // written here, so a client-sent x-tailor-* header can never reach a subgraph.
    headers.delete(VIEWER_ID_HEADER);
    for (const [name, value] of Object.entries(viewerHeaders(context.viewer ?? ANONYMOUS))) {
      headers.set(name, value);
    }
    if (this.gatewaySecret !== undefined) headers.set(GATEWAY_SECRET_HEADER, this.gatewaySecret);
    // The gateway's fetch span for this subgraph call is current here: the subgraph's server
    // span becomes its child. Written after the client's headers, so a client cannot pick it.
    for (const [name, value] of Object.entries(traceHeaders())) headers.set(name, value);
    const { signal, deadlineAt } = context;
    if (signal instanceof AbortSignal && typeof deadlineAt === 'number') {
      for (const [name, value] of Object.entries(this.calls.register({ signal, deadlineAt }))) {
        headers.set(name, value);
      }
    }
  }

  /** Never the subgraph's URL or body: see {@link subgraphHttpError}. */
  override async errorFromResponse(
    response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0],
  ) {
    return subgraphHttpError(response.status, await this.parseBody(response));
  }
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
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) => {
      const target = options.subgraphUrls[name as SubgraphName] ?? url;
      if (target === undefined) throw new Error(`no URL for subgraph ${name}`);
      return new TracedDataSource(target, authConfig.GATEWAY_SHARED_SECRET, overload.calls);
    },
    logger: log,
  });

  const protection = edgeProtection<GatewayContext>(options.limits, log);

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    validationRules: protection.validationRules,
    parseOptions: protection.parseOptions,
    formatError: protection.formatError,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    // Explicit: Apollo's default turns it off under NODE_ENV=production, which images set.
    introspection: options.limits.GRAPHQL_INTROSPECTION,
    plugins: [
      ...protection.plugins,
      overload.plugin,
      // The default landing page loads Apollo Sandbox from a CDN; Tailor must work offline.
      ApolloServerPluginLandingPageDisabled(),
    ],
    logger: log,
    // The process's shutdown handler stops servers in order; Apollo's own SIGTERM hook would race it.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  app.use(
    '/graphql',
    // Before the body is read: a caller without a valid token costs no parsing, nor does a
    // request refused for overload.
    auth.middleware,
    overload.admit,
    express.json({ limit: options.limits.GATEWAY_MAX_BODY_BYTES }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => ({
        requestId: currentRequestId(req),
        viewer: viewerOfResponse(res),
        ...overload.contextOf(res),
      }),
    }),
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
  log.info({ url, authMode: auth.mode }, 'gateway listening');
  return {
    ...listening,
    url,
    close: async () => {
      await listening.close();
      await apollo.stop();
    },
  };
}
