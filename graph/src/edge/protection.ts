import type { ApolloServerOptions, ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { Logger } from '@tailor/kit';
import { GraphQLError, type GraphQLFormattedError, type ValidationContext } from 'graphql';

import type { GatewayLimits } from '../config.js';
import { EDGE_ERROR_CODES, type EdgeErrorCode } from './codes.js';

/** What the gateway's Apollo server takes from {@link edgeProtection}. */
export type EdgeProtection<TContext extends BaseContext> = Required<
  Pick<ApolloServerOptions<TContext>, 'plugins' | 'validationRules' | 'parseOptions'>
> & {
  /** Rewrites refusals to their own codes and strips what must not leave the gateway. */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
};

/**
 * graphql-js words a token-limit refusal this way (16.x, typo included); it raises it as a
 * syntax error, so this is how the gateway tells it from a real one. A unit test pins it.
 */
const TOKEN_LIMIT_MESSAGE = /Document contains more th(?:an|at) \d+ tokens/;

/**
 * Extensions a subgraph or Apollo may attach that name internal addresses, subgraphs or code:
 * never sent to clients (they are logged instead).
 */
const INTERNAL_EXTENSIONS = ['response', 'exception', 'stacktrace', 'serviceName', 'http'];

/** armor words its messages "Syntax Error: …" whatever the rule; the code says what it is. */
function limitMessage(armorMessage: string, setting: string): string {
  return `${armorMessage.replace(/^Syntax Error:\s*/, '')} (${setting})`;
}

/** An armor rule's rejection, reported as a validation error that keeps the limit's own code. */
function reportAs(code: EdgeErrorCode, setting: string) {
  return (context: ValidationContext | null, error: GraphQLError): void => {
    context?.reportError(
      new GraphQLError(limitMessage(error.message, setting), { extensions: { code } }),
    );
  };
}

function limitRule(code: EdgeErrorCode, setting: string) {
  return { onReject: [reportAs(code, setting)], propagateOnRejection: false };
}

/**
 * A request with several operations and no `operationName` (or a name the document lacks)
 * resolves to no operation; Apollo Gateway would then fail inside its planner with a 500.
 */
const operationResolution: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation(requestContext) {
        if (requestContext.operation !== undefined) return;
        const name = requestContext.request.operationName;
        throw new GraphQLError(
          name === undefined || name === null
            ? 'The document holds several operations: say which one to run with operationName.'
            : `The document has no operation named ${JSON.stringify(name.slice(0, 100))}.`,
          { extensions: { code: EDGE_ERROR_CODES.operation, http: { status: 400 } } },
        );
      },
    };
  },
};

function codeOfOriginal(error: unknown): string | undefined {
  const original = error instanceof GraphQLError ? error.originalError : undefined;
  const code = original instanceof GraphQLError ? original.extensions['code'] : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** graphql-armor's settings, the same for either engine. */
export type ArmorConfig = NonNullable<ConstructorParameters<typeof ApolloArmor>[0]>;

/**
 * The limits graphql-armor evaluates (depth, cost, aliases, directives; field suggestions
 * blocked), each refusal reported with the limit's own code and setting. Tokens are counted
 * by graphql-js's parser, which both engines give `maxTokens`.
 */
export function armorConfig(limits: GatewayLimits): ArmorConfig {
  return {
    maxDepth: {
      n: limits.GRAPHQL_MAX_DEPTH,
      ignoreIntrospection: true,
      ...limitRule(EDGE_ERROR_CODES.depth, 'GRAPHQL_MAX_DEPTH'),
    },
    costLimit: {
      maxCost: limits.GRAPHQL_MAX_COST,
      objectCost: 2,
      scalarCost: 1,
      depthCostFactor: 1.5,
      ignoreIntrospection: true,
      ...limitRule(EDGE_ERROR_CODES.cost, 'GRAPHQL_MAX_COST'),
    },
    // armor exempts `__typename` aliases by default: 500 of them would still be 500 answers.
    maxAliases: {
      n: limits.GRAPHQL_MAX_ALIASES,
      allowList: [],
      ...limitRule(EDGE_ERROR_CODES.aliases, 'GRAPHQL_MAX_ALIASES'),
    },
    maxDirectives: {
      n: limits.GRAPHQL_MAX_DIRECTIVES,
      ...limitRule(EDGE_ERROR_CODES.directives, 'GRAPHQL_MAX_DIRECTIVES'),
    },
    // armor's token plugin throws from a hook Apollo answers with 500; the parser's own limit
    // fails the parse instead, which Apollo answers with 400.
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: true },
  };
}

/**
 * What leaves the gateway of an error, whichever engine raised it: internal extensions
 * stripped, a server-side failure's message replaced (the log keeps it), a validation error
 * keeping the code of the rule that raised it, a token-limit parse failure its own code.
 */
export function edgeErrorFormatter(
  limits: GatewayLimits,
  logger: Logger,
): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => {
    const extensions: Record<string, unknown> = { ...formatted.extensions };
    for (const key of INTERNAL_EXTENSIONS) delete extensions[key];
    let message = formatted.message;
    const original = codeOfOriginal(error);
    const code = extensions['code'];
    if (code === undefined || code === 'INTERNAL_SERVER_ERROR') {
      // A server-side failure's message may name a store, an address or a subgraph: the log
      // keeps it, the client gets the code and a sentence.
      logger.error({ err: error, path: formatted.path }, 'request failed on the server side');
      extensions['code'] = 'INTERNAL_SERVER_ERROR';
      message =
        'The server could not complete this request; the x-request-id header finds it in the logs.';
    } else if (extensions['code'] === 'GRAPHQL_VALIDATION_FAILED' && original !== undefined) {
      extensions['code'] = original;
    } else if (
      extensions['code'] === EDGE_ERROR_CODES.parse &&
      TOKEN_LIMIT_MESSAGE.test(formatted.message)
    ) {
      extensions['code'] = EDGE_ERROR_CODES.tokens;
      message = `Token limit of ${limits.GRAPHQL_MAX_TOKENS} exceeded (GRAPHQL_MAX_TOKENS).`;
    }
    return { ...formatted, message, extensions };
  };
}

/**
 * The edge rules of the gateway (depth, cost, aliases, directives, tokens, operation choice) as
 * Apollo options. Each refusal is an HTTP 400 with a code of its own naming the limit's setting;
 * graphql-armor evaluates depth, cost and directives, the parser counts tokens.
 */
export function edgeProtection<TContext extends BaseContext>(
  limits: GatewayLimits,
  logger: Logger,
): EdgeProtection<TContext> {
  const armor = new ApolloArmor(armorConfig(limits));
  const armored = armor.protect();

  return {
    plugins: [...(armored.plugins as ApolloServerPlugin<TContext>[]), operationResolution],
    validationRules: armored.validationRules,
    parseOptions: { maxTokens: limits.GRAPHQL_MAX_TOKENS },
    formatError: edgeErrorFormatter(limits, logger),
  };
}
