import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { currentRequestId, VIEWER_ID_HEADER } from '@tailor/kit';

import { viewerOfResponse } from '../auth/index.js';
import type { SubgraphName } from '../config.js';
import { edgeProtection } from '../edge/protection.js';
import { subgraphHttpError } from '../edge/subgraph-errors.js';
import type { SubgraphCalls } from '../overload/gateway-overload.js';
import { subgraphHeaders } from './subgraph-headers.js';
import type { EngineOptions, GatewayContext, GraphqlEngine } from './types.js';

/** Writes the gateway's own headers on each call and joins it to its request's signal. */
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
    // The viewer id is absent for anonymous and trusted callers: none may be left over.
    headers.delete(VIEWER_ID_HEADER);
    // Apollo Gateway's fetch span for this subgraph call is current here.
    for (const [name, value] of Object.entries(subgraphHeaders(context, this.gatewaySecret))) {
      headers.set(name, value);
    }
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

/** Apollo Server with Apollo Gateway's query planner (`GATEWAY_ENGINE=apollo`). */
export async function startApolloEngine(options: EngineOptions): Promise<GraphqlEngine> {
  const log = options.logger.child({ component: 'gateway' });
  const { overload } = options;
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) => {
      const target = options.subgraphUrls[name as SubgraphName] ?? url;
      if (target === undefined) throw new Error(`no URL for subgraph ${name}`);
      return new TracedDataSource(target, options.gatewaySecret, overload.calls);
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
  return {
    handler: expressMiddleware(apollo, {
      context: async ({ req, res }) => ({
        requestId: currentRequestId(req),
        viewer: viewerOfResponse(res),
        ...overload.contextOf(res),
      }),
    }),
    stop: () => apollo.stop(),
  };
}
