import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express } from 'express';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Registry } from 'prom-client';

import { requireGatewaySecret, viewerOfRequest } from '../auth/gateway-trust.js';
import type { Viewer } from '../auth/viewer.js';
import { TailorError } from '../errors.js';
import type { Logger } from '../logger.js';
import { deadlineMsOf, requestSignal, stopOnSignalPlugin } from './deadline.js';
import {
  createServiceApp,
  currentRequestId,
  jsonErrorHandler,
  listen,
  type ListeningServer,
} from './http.js';

/** What every resolver receives as context. */
export interface RequestContext {
  requestId: string;
  /** A child logger carrying the request id. */
  log: Logger;
  /** Who the request acts for; resolvers check it with `authorizeUser`/`authorizeService`. */
  viewer: Viewer;
  /**
   * Fires when the gateway's deadline for this request passes (its `x-tailor-deadline-ms`
   * header) or the caller disconnects. No field starts after it fires; store and model calls
   * take it to stop sooner.
   */
  signal: AbortSignal;
}

/** Options of {@link startSubgraph}. */
export interface SubgraphOptions {
  /** Subgraph name as in the supergraph (`catalog`, `events`, …). */
  name: string;
  schema: GraphQLSchema;
  logger: Logger;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Limit of a GraphQL request body. */
  maxBodyBytes?: number;
  isReady?: () => boolean | Promise<boolean>;
  /** Extra routes (REST endpoints, static files) mounted before `/graphql`. */
  routes?: (app: Express, registry: Registry) => void;
  plugins?: ApolloServerPlugin<RequestContext>[];
  /**
   * `GATEWAY_SHARED_SECRET`. Set: `/graphql` answers 401 to callers without it and the viewer
   * comes from the gateway's headers. Unset: every caller is trusted (viewer `trusted`).
   */
  gatewaySecret?: string | undefined;
}

export interface RunningSubgraph extends ListeningServer {
  name: string;
  /** `http://host:port/graphql`. */
  url: string;
  registry: Registry;
}

/** Seconds a client is told to wait when a dependency of the subgraph is down. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

/**
 * A dependency that is down (an adapter's error marked retriable, e.g. the vector store not
 * answering) is the client's `SERVICE_UNAVAILABLE` with a retry hint, not an internal error:
 * trying again later may well work. The message names no store, address or collection; the
 * log keeps the original.
 */
function dependencyErrors(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (!(original instanceof TailorError) || !original.retriable) return formatted;
    log.warn({ err: original, path: formatted.path }, 'a dependency is unavailable');
    return {
      ...formatted,
      message: `A service this answer needs is unavailable; retry in ${DEPENDENCY_RETRY_AFTER_SECONDS} s.`,
      extensions: {
        code: 'SERVICE_UNAVAILABLE',
        retryAfterSeconds: DEPENDENCY_RETRY_AFTER_SECONDS,
      },
    };
  };
}

/** Default limit of a GraphQL request body: generous for batches, small enough to refuse abuse. */
export const DEFAULT_GRAPHQL_MAX_BODY_BYTES = 1_048_576;

/**
 * Serves a federated schema over HTTP with the kit's health, metrics and request-id handling.
 * Resolves once the port is bound.
 */
export async function startSubgraph(options: SubgraphOptions): Promise<RunningSubgraph> {
  const log = options.logger.child({ component: 'subgraph' });
  const { app, registry } = createServiceApp({
    name: options.name,
    logger: options.logger,
    ...(options.isReady === undefined ? {} : { isReady: options.isReady }),
  });
  options.routes?.(app, registry);

  const apollo = new ApolloServer<RequestContext>({
    schema: options.schema,
    // Subgraphs sit behind the gateway, which owns the landing page and client-facing limits.
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: dependencyErrors(log),
    plugins: [stopOnSignalPlugin<RequestContext>(), ...(options.plugins ?? [])],
    logger: log,
    // The process's shutdown handler stops servers in order; Apollo's own SIGTERM hook would race it.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const secret = options.gatewaySecret;
  if (secret !== undefined) app.use('/graphql', requireGatewaySecret(secret));
  app.use(
    '/graphql',
    express.json({ limit: options.maxBodyBytes ?? DEFAULT_GRAPHQL_MAX_BODY_BYTES }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = currentRequestId(req);
        return {
          requestId,
          log: options.logger.child({ requestId }),
          viewer: viewerOfRequest(req, secret),
          signal: requestSignal(res, deadlineMsOf(req)),
        };
      },
    }),
  );
  app.use(jsonErrorHandler);

  const listening = await listen(app, options.host, options.port);
  const url = `http://${options.host}:${listening.port}/graphql`;
  log.info({ url, callers: secret === undefined ? 'any' : 'gateway' }, 'subgraph listening');
  return {
    ...listening,
    name: options.name,
    url,
    registry,
    close: async () => {
      await listening.close();
      await apollo.stop();
    },
  };
}
