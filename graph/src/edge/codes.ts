/**
 * The codes the gateway's edge answers client mistakes with, each in `extensions.code` of a
 * GraphQL-shaped error body with an HTTP 4xx status, so a client can tell which rule refused it
 * without reading the message.
 */
export const EDGE_ERROR_CODES = {
  /** The query text is not GraphQL. */
  parse: 'GRAPHQL_PARSE_FAILED',
  /** More lexical tokens than GRAPHQL_MAX_TOKENS. */
  tokens: 'MAX_TOKENS_EXCEEDED',
  /** Selections nested deeper than GRAPHQL_MAX_DEPTH. */
  depth: 'MAX_DEPTH_EXCEEDED',
  /** A cost estimate above GRAPHQL_MAX_COST. */
  cost: 'MAX_COST_EXCEEDED',
  /** More aliases (`__typename` ones included) than GRAPHQL_MAX_ALIASES. */
  aliases: 'MAX_ALIASES_EXCEEDED',
  /** More directives than GRAPHQL_MAX_DIRECTIVES. */
  directives: 'MAX_DIRECTIVES_EXCEEDED',
  /** Several operations and no `operationName`, or an `operationName` the document lacks. */
  operation: 'OPERATION_RESOLUTION_FAILURE',
  /** A body larger than GATEWAY_MAX_BODY_BYTES (or than a subgraph accepts). */
  tooLarge: 'PAYLOAD_TOO_LARGE',
  /** A body that is not a JSON GraphQL request. */
  badRequest: 'BAD_REQUEST',
} as const;

export type EdgeErrorCode = (typeof EDGE_ERROR_CODES)[keyof typeof EDGE_ERROR_CODES];
