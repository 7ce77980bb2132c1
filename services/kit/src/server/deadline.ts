import type { IncomingMessage, ServerResponse } from 'node:http';

import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';

/**
 * Header the gateway sends each subgraph: the milliseconds left of the request's budget when
 * the call left the gateway. Relative rather than a clock time (like gRPC's `grpc-timeout`), so
 * clocks that disagree between pods cannot shorten or stretch it.
 */
export const DEADLINE_HEADER = 'x-tailor-deadline-ms';

/** The code of a request stopped because its deadline passed. */
export const DEADLINE_EXCEEDED = 'DEADLINE_EXCEEDED';

/** The code of a request stopped because its caller went away. */
export const REQUEST_CANCELLED = 'REQUEST_CANCELLED';

/** Longest budget a header may carry: a day; anything larger is read as no deadline at all. */
const MAX_DEADLINE_MS = 86_400_000;

/** The budget in a {@link DEADLINE_HEADER}, or undefined when it is absent or not a number. */
export function deadlineMsOf(req: IncomingMessage): number | undefined {
  const given = req.headers[DEADLINE_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  if (value === undefined || !/^\d{1,9}$/.test(value)) return undefined;
  const ms = Number(value);
  return ms <= MAX_DEADLINE_MS ? ms : undefined;
}

/** Why a request's work should stop, as its signal's reason. */
export class RequestStopped extends Error {
  constructor(readonly code: typeof DEADLINE_EXCEEDED | typeof REQUEST_CANCELLED) {
    super(
      code === DEADLINE_EXCEEDED
        ? 'The request ran past its deadline.'
        : 'The caller went away before the answer was ready.',
    );
    this.name = 'RequestStopped';
  }
}

/**
 * A signal that fires when the request's deadline passes (`budgetMs`, when given) or when the
 * caller goes away before the response is complete; work for the request listens to it.
 */
export function requestSignal(res: ServerResponse, budgetMs: number | undefined): AbortSignal {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  if (budgetMs !== undefined && budgetMs <= 0) {
    // Already spent on arrival: no resolver may start, not even before a timer could fire.
    controller.abort(new RequestStopped(DEADLINE_EXCEEDED));
  } else if (budgetMs !== undefined) {
    timer = setTimeout(() => controller.abort(new RequestStopped(DEADLINE_EXCEEDED)), budgetMs);
    // A request that outlives its deadline must not hold the process open.
    timer.unref();
  }
  // A caller that disconnects closes the socket, which `res` reports as `close` unfinished.
  res.once('close', () => {
    clearTimeout(timer);
    if (!res.writableFinished) controller.abort(new RequestStopped(REQUEST_CANCELLED));
  });
  return controller.signal;
}

/** The GraphQL error for work refused because `signal` fired. */
export function stoppedError(signal: AbortSignal): GraphQLError {
  const reason: unknown = signal.reason;
  const code = reason instanceof RequestStopped ? reason.code : REQUEST_CANCELLED;
  return new GraphQLError(
    reason instanceof RequestStopped ? reason.message : 'The request was cancelled.',
    { extensions: { code } },
  );
}

/**
 * Stops a GraphQL execution at the first field that would start after the request's signal
 * fired: no resolver runs for an answer nobody waits for. Resolvers already running see the
 * same signal in their context and may stop sooner (a store call, a model call).
 */
export function stopOnSignalPlugin<
  TContext extends { signal?: AbortSignal },
>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart() {
          return {
            willResolveField({ contextValue }) {
              const signal = contextValue.signal;
              if (signal?.aborted === true) throw stoppedError(signal);
            },
          };
        },
      };
    },
  };
}
