import type { IncomingMessage } from 'node:http';

import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createGatewayRuntime, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import http from '@graphql-mesh/transport-http';
import {
  currentRequestId,
  DEADLINE_EXCEEDED,
  DEADLINE_HEADER,
  RequestStopped,
  serverAttributesOf,
  SpanKind,
  stoppedError,
  withSpan,
} from '@tailor/kit';
import type { Response as ExpressResponse } from 'express';
import { getOperationAST, GraphQLError, parse } from 'graphql';

import { viewerOfResponse } from '../auth/index.js';
import { EDGE_ERROR_CODES } from '../edge/codes.js';
import { armorConfig, edgeErrorFormatter } from '../edge/protection.js';
import { subgraphHttpError } from '../edge/subgraph-errors.js';
import { supergraphAt } from '../supergraph-urls.js';
import { remainingMs, subgraphHeaders } from './subgraph-headers.js';
import type { EngineOptions, GatewayContext, GraphqlEngine } from './types.js';

/** The client mistakes the edge refuses with 400 whichever `accept` the client sent. */
const BAD_REQUEST_CODES: ReadonlySet<unknown> = new Set([
  EDGE_ERROR_CODES.parse,
  EDGE_ERROR_CODES.tokens,
  EDGE_ERROR_CODES.depth,
  EDGE_ERROR_CODES.cost,
  EDGE_ERROR_CODES.aliases,
  EDGE_ERROR_CODES.directives,
  EDGE_ERROR_CODES.operation,
  'GRAPHQL_VALIDATION_FAILED',
]);

/**
 * Codes for the refusals Yoga words itself (a request that is not GraphQL over HTTP, a missing
 * CSRF header, a mutation over GET), which carry an HTTP status and no code.
 */
const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  403: 'FORBIDDEN',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** What Yoga hands a plugin of a request served through Express. */
interface ServerContext {
  req: IncomingMessage;
  res: ExpressResponse;
}

function serverContextOf(context: object): ServerContext | undefined {
  const { req, res } = context as Partial<ServerContext>;
  return req === undefined || res === undefined ? undefined : { req, res };
}

/** The gateway's per-request state, from what auth and admission left on the response. */
function gatewayContextOf(server: ServerContext, overload: EngineOptions['overload']) {
  return {
    requestId: currentRequestId(server.req),
    viewer: viewerOfResponse(server.res),
    ...overload.contextOf(server.res),
  } satisfies GatewayContext;
}

function httpStatusOf(error: GraphQLError): number | undefined {
  const status = (error.extensions['http'] as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** The innermost coded GraphQL error under `error`: what went wrong, e.g. a stopped call. */
function codedCause(error: GraphQLError): GraphQLError | undefined {
  for (let cause: unknown = error.originalError; cause !== undefined;) {
    if (cause instanceof GraphQLError && typeof cause.extensions['code'] === 'string') {
      return cause;
    }
    cause =
      cause instanceof Error ? (cause.cause ?? (cause as GraphQLError).originalError) : undefined;
  }
  return undefined;
}

/**
 * Every error on its way out, as the Apollo engine's `formatError` shapes it, plus the HTTP
 * status Yoga reads from `extensions.http`: 400 for the edge's refusals under either `accept`
 * (Yoga would answer 200 under `application/json`), and Yoga's own request refusals keep
 * theirs with a code added.
 */
function maskErrorWith(format: ReturnType<typeof edgeErrorFormatter>) {
  return (error: unknown): GraphQLError => {
    let graphqlError =
      error instanceof GraphQLError
        ? error
        : new GraphQLError(error instanceof Error ? error.message : String(error), {
            ...(error instanceof Error ? { originalError: error } : {}),
          });
    const status = httpStatusOf(graphqlError);
    if (graphqlError.extensions['code'] === undefined) {
      const cause = codedCause(graphqlError);
      if (cause !== undefined) {
        graphqlError = new GraphQLError(cause.message, {
          ...(graphqlError.path === undefined ? {} : { path: graphqlError.path }),
          extensions: cause.extensions,
        });
      } else if (status !== undefined && status >= 400 && status < 500) {
        graphqlError = new GraphQLError(graphqlError.message, {
          extensions: { code: CODE_BY_STATUS[status] ?? 'BAD_REQUEST' },
        });
      }
    }
    const formatted = format(graphqlError.toJSON(), graphqlError);
    const code = formatted.extensions?.['code'];
    const http = BAD_REQUEST_CODES.has(code)
      ? { status: 400 }
      : status !== undefined && status >= 400 && status < 500
        ? { status }
        : undefined;
    return new GraphQLError(formatted.message, {
      ...(formatted.path === undefined ? {} : { path: formatted.path }),
      extensions: { ...formatted.extensions, ...(http === undefined ? {} : { http }) },
    });
  };
}

/**
 * Hive Gateway with the Hive Router query planner (`GATEWAY_ENGINE=hive-router`), with the
 * same edge as the Apollo engine: graphql-armor's limits as its envelop plugin, graphql-js's
 * token limit in the parser, the operation choice, error masking, introspection and CSRF
 * settings, and on every subgraph call (an `onFetch` hook) the gateway's own headers, the
 * request's signal and deadline and a `gateway.fetch` span.
 */
export function startHiveRouterEngine(options: EngineOptions): GraphqlEngine {
  const log = options.logger.child({ component: 'gateway' });
  const { overload, limits, gatewaySecret } = options;
  const format = edgeErrorFormatter(limits, log);

  const edge: GatewayPlugin = {
    onParse({ setParseFn }) {
      setParseFn((source, parseOptions) =>
        parse(source, { ...parseOptions, maxTokens: limits.GRAPHQL_MAX_TOKENS }),
      );
    },
    // Yoga answers validation errors 200 under `application/json` (marked `spec`); Apollo and
    // Tailor's clients expect 400 under either accept.
    onValidate() {
      return ({ valid, result }) => {
        if (valid) return;
        for (const error of result) {
          const extensions = error.extensions as Record<string, unknown>;
          extensions['http'] = { spec: false, status: 400 };
        }
      };
    },
    onExecute({ args, setResultAndStopExecution }) {
      if (getOperationAST(args.document, args.operationName ?? undefined) !== null) return;
      const name = args.operationName;
      setResultAndStopExecution({
        errors: [
          new GraphQLError(
            name === undefined || name === null
              ? 'The document holds several operations: say which one to run with operationName.'
              : `The document has no operation named ${JSON.stringify(name.slice(0, 100))}.`,
            { extensions: { code: EDGE_ERROR_CODES.operation } },
          ),
        ],
      });
    },
    onExecutionResult({ result, setResult, context }) {
      const server = serverContextOf(context);
      if (server === undefined || result === undefined || Symbol.asyncIterator in result) return;
      let answer = result;
      // A field error that reached the root leaves `data: null` (GraphQL spec, "Response"),
      // which the Hive Router runtime leaves out.
      if (answer.data === undefined && answer.errors?.some((e) => e.path !== undefined)) {
        answer = { ...answer, data: null };
      }
      const reason: unknown = overload.contextOf(server.res).signal.reason;
      if (reason instanceof RequestStopped && reason.code === DEADLINE_EXCEEDED) {
        answer = { ...answer, extensions: { ...answer.extensions, http: { status: 504 } } };
      }
      if (answer !== result) setResult(answer);
    },
  };

  const subgraphCalls: GatewayPlugin = {
    onFetch({ context, fetchFn, setFetchFn, url }) {
      const server = serverContextOf(context);
      if (server === undefined) return undefined;
      const request = gatewayContextOf(server, overload);
      const { signal, deadlineAt } = request;
      setFetchFn((input, init, ...rest) =>
        withSpan(
          'gateway.fetch',
          { tracer: '@tailor/graph', kind: SpanKind.CLIENT, attributes: serverAttributesOf(url) },
          async () => {
            if (signal.aborted) throw stoppedError(signal);
            const headers = {
              ...init?.headers,
              ...subgraphHeaders(request, gatewaySecret),
              [DEADLINE_HEADER]: remainingMs(deadlineAt),
            };
            const own = init?.signal ?? undefined;
            try {
              return await fetchFn(
                input,
                {
                  ...init,
                  headers,
                  signal: own === undefined ? signal : AbortSignal.any([own, signal]),
                },
                ...rest,
              );
            } catch (err) {
              if (signal.aborted) throw stoppedError(signal);
              throw err;
            }
          },
        ),
      );
      return async ({ response, setResponse }) => {
        if (response.ok) return;
        // Never the subgraph's URL or body: see subgraphHttpError.
        const text = await response.text();
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        const error = subgraphHttpError(response.status, body);
        setResponse(
          Response.json({ errors: [{ message: error.message, extensions: error.extensions }] }),
        );
      };
    },
  };

  const runtime = createGatewayRuntime({
    supergraph: supergraphAt(options.supergraphSdl, options.subgraphUrls),
    // Given, not imported on first use: pnpm keeps it out of the runtime's own reach.
    transports: { http },
    unifiedGraphHandler,
    logging: false,
    landingPage: false,
    graphiql: false,
    // The gateway's request ids come from the kit's request logger, as on every service.
    requestId: false,
    batching: false,
    maskedErrors: { maskError: maskErrorWith(format) },
    // The same headers Apollo Server's CSRF prevention accepts, so clients behave alike.
    csrfPrevention: { requestHeaders: ['x-apollo-operation-name', 'apollo-require-preflight'] },
    ...(limits.GRAPHQL_INTROSPECTION ? {} : { disableIntrospection: {} }),
    plugins: () => [EnvelopArmorPlugin(armorConfig(limits)), edge, subgraphCalls],
  });
  return {
    handler: (req, res) => {
      void runtime(req, res);
    },
    stop: async () => {
      await runtime[Symbol.asyncDispose]();
    },
  };
}
