import {
  ANONYMOUS,
  GATEWAY_SECRET_HEADER,
  REQUEST_ID_HEADER,
  traceHeaders,
  viewerHeaders,
} from '@tailor/kit';

import type { GatewayContext } from './types.js';

/**
 * The headers every subgraph call carries, whichever engine makes it: the request id and the
 * trace context, so one id and one trace follow a request through every subgraph, and the
 * verified viewer with the gateway secret, so subgraphs know who acts and that the gateway
 * vouches for it. Engines start each call's headers empty (no client header is copied) and
 * write these last, so a client-sent `x-tailor-*` or `traceparent` header never reaches a
 * subgraph. Call it where the call's own span is current: the subgraph's server span becomes
 * its child.
 */
export function subgraphHeaders(
  context: Partial<Pick<GatewayContext, 'requestId' | 'viewer'>>,
  gatewaySecret: string | undefined,
): Record<string, string> {
  return {
    ...(context.requestId === undefined ? {} : { [REQUEST_ID_HEADER]: context.requestId }),
    ...viewerHeaders(context.viewer ?? ANONYMOUS),
    ...(gatewaySecret === undefined ? {} : { [GATEWAY_SECRET_HEADER]: gatewaySecret }),
    ...traceHeaders(),
  };
}

/** Gives a subgraph what is left of the request's budget when the call leaves. */
export function remainingMs(deadlineAt: number): string {
  return String(Math.max(0, Math.floor(deadlineAt - performance.now())));
}
