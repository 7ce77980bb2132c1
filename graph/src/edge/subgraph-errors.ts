import { GraphQLError } from 'graphql';

import { EDGE_ERROR_CODES } from './codes.js';

/**
 * Codes of a subgraph's HTTP error answer that tell the client something true about its own
 * request or about retrying; they pass through with the subgraph's message.
 */
const CLIENT_FACING_CODES = new Set([
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  EDGE_ERROR_CODES.tooLarge,
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'OVERLOADED',
]);

/** What an HTTP status means when the body says nothing usable. */
const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: EDGE_ERROR_CODES.tooLarge,
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Long enough for any of Tailor's own messages; a stray HTML page stops here. */
const MAX_MESSAGE_LENGTH = 300;

interface CodedMessage {
  code?: unknown;
  message?: unknown;
}

/** The first `{ code, message }` of a kit error body (`{ error }`) or a GraphQL one (`{ errors }`). */
function firstError(body: unknown): CodedMessage | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { error, errors } = body as { error?: CodedMessage; errors?: unknown };
  if (typeof error === 'object' && error !== null) return error;
  if (Array.isArray(errors) && typeof errors[0] === 'object' && errors[0] !== null) {
    const first = errors[0] as { message?: unknown; extensions?: { code?: unknown } };
    return { code: first.extensions?.code, message: first.message };
  }
  return undefined;
}

/**
 * The error a client sees when a subgraph answers a non-2xx status. Apollo Gateway's own puts
 * the subgraph's URL and whole body into `extensions.response`; this keeps only a code and, for
 * the codes above, the subgraph's message (so "body exceeds the limit of N bytes" reaches the
 * client as PAYLOAD_TOO_LARGE, not as an internal error).
 */
export function subgraphHttpError(status: number, body: unknown): GraphQLError {
  const reported = firstError(body);
  const code =
    typeof reported?.code === 'string' && CLIENT_FACING_CODES.has(reported.code)
      ? reported.code
      : (CODE_BY_STATUS[status] ?? 'INTERNAL_SERVER_ERROR');
  const message =
    code !== 'INTERNAL_SERVER_ERROR' && typeof reported?.message === 'string'
      ? reported.message.slice(0, MAX_MESSAGE_LENGTH)
      : `A service behind the gateway answered ${status}.`;
  return new GraphQLError(message, { extensions: { code } });
}
