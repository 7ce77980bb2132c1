import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  createServiceApp,
  currentRequestId,
  jsonErrorHandler,
  listen,
  type ListeningServer,
  type Logger,
  REQUEST_ID_HEADER,
} from '@tailor/kit';
import express from 'express';

import type { GatewayLimits, SubgraphName } from './config.js';

/** What the gateway keeps per request. */
export interface GatewayContext {
  requestId: string;
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
}

export interface RunningGateway extends ListeningServer {
  /** `http://host:port/graphql`. */
  url: string;
}

/** Passes the request id on, so one id follows a request through every subgraph's logs. */
class TracedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({
    request,
    context,
  }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]): void {
    if (context.requestId !== undefined)
      request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
  }
}

/**
 * The federated gateway: plans queries over the supergraph, calls the subgraphs over HTTP and
 * enforces the edge limits (depth, cost, aliases, directives, tokens, body size).
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const log = options.logger.child({ component: 'gateway' });
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) => {
      const override = options.subgraphUrls[name as SubgraphName];
      return new TracedDataSource({ url: override ?? url });
    },
    logger: log,
  });

  const { limits } = options;
  const armor = new ApolloArmor({
    maxDepth: { n: limits.GRAPHQL_MAX_DEPTH, ignoreIntrospection: true },
    costLimit: {
      maxCost: limits.GRAPHQL_MAX_COST,
      objectCost: 2,
      scalarCost: 1,
      depthCostFactor: 1.5,
      ignoreIntrospection: true,
    },
    maxAliases: { n: limits.GRAPHQL_MAX_ALIASES },
    maxDirectives: { n: limits.GRAPHQL_MAX_DIRECTIVES },
    maxTokens: { n: limits.GRAPHQL_MAX_TOKENS },
    blockFieldSuggestion: { enabled: true },
  });
  const protection = armor.protect();

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    ...protection,
    plugins: [
      ...(protection.plugins as never[]),
      // The default landing page loads Apollo Sandbox from a CDN; Tailor must work offline.
      ApolloServerPluginLandingPageDisabled(),
    ],
    logger: log,
    // The process's shutdown handler stops servers in order; Apollo's own SIGTERM hook would race it.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const { app } = createServiceApp({ name: 'gateway', logger: options.logger });
  app.use(
    '/graphql',
    express.json({ limit: limits.GATEWAY_MAX_BODY_BYTES }),
    expressMiddleware(apollo, {
      context: async ({ req }) => ({ requestId: currentRequestId(req) }),
    }),
  );
  app.use(jsonErrorHandler);

  const listening = await listen(app, options.host, options.port);
  const url = `http://${options.host}:${listening.port}/graphql`;
  log.info({ url }, 'gateway listening');
  return {
    ...listening,
    url,
    close: async () => {
      await listening.close();
      await apollo.stop();
    },
  };
}
