import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { silentLogger } from '@tailor/kit';
import { GraphQLError, parse } from 'graphql';

import { type gatewayLimitsShape } from '../config.js';
import { edgeProtection } from './protection.js';

const LIMITS = {
  GRAPHQL_MAX_DEPTH: 10,
  GRAPHQL_MAX_COST: 5_000,
  GRAPHQL_MAX_ALIASES: 15,
  GRAPHQL_MAX_DIRECTIVES: 50,
  GRAPHQL_MAX_TOKENS: 20,
  GRAPHQL_INTROSPECTION: true,
  GATEWAY_MAX_BODY_BYTES: 1_048_576,
} satisfies { [K in keyof typeof gatewayLimitsShape]: unknown };

function parseError(source: string, maxTokens: number): GraphQLError {
  try {
    parse(source, { maxTokens });
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error('parsed');
}

describe('edgeProtection', () => {
  const protection = edgeProtection(LIMITS, silentLogger());

  describe('when the parser refuses a query over GRAPHQL_MAX_TOKENS', () => {
    it('answers MAX_TOKENS_EXCEEDED naming the setting (the parser wording is pinned here)', () => {
      const error = parseError(`{ ${'__typename '.repeat(30)}}`, LIMITS.GRAPHQL_MAX_TOKENS);
      const formatted = protection.formatError(
        { message: error.message, extensions: { code: 'GRAPHQL_PARSE_FAILED' } },
        error,
      );
      assert.equal(formatted.extensions?.['code'], 'MAX_TOKENS_EXCEEDED');
      assert.match(formatted.message, /GRAPHQL_MAX_TOKENS/);
    });
  });

  describe('when the query is only malformed', () => {
    it('keeps GRAPHQL_PARSE_FAILED', () => {
      const error = parseError('{', LIMITS.GRAPHQL_MAX_TOKENS);
      const formatted = protection.formatError(
        { message: error.message, extensions: { code: 'GRAPHQL_PARSE_FAILED' } },
        error,
      );
      assert.equal(formatted.extensions?.['code'], 'GRAPHQL_PARSE_FAILED');
    });
  });

  describe('when an error comes from behind the gateway', () => {
    it('drops internal extensions and masks a server-side message', () => {
      const formatted = protection.formatError(
        {
          message: 'Qdrant: retrieving points in collection profiles failed: fetch failed',
          extensions: {
            code: 'INTERNAL_SERVER_ERROR',
            serviceName: 'recommender',
            response: { url: 'http://127.0.0.1:4004/graphql' },
          },
        },
        new Error('boom'),
      );
      assert.equal(formatted.extensions?.['code'], 'INTERNAL_SERVER_ERROR');
      assert.equal(formatted.extensions?.['serviceName'], undefined);
      assert.equal(formatted.extensions?.['response'], undefined);
      assert.doesNotMatch(formatted.message, /Qdrant|profiles/);
    });

    it('keeps a client-facing code and its message', () => {
      const formatted = protection.formatError(
        {
          message: 'userId must not be empty',
          extensions: { code: 'BAD_USER_INPUT', field: 'userId' },
        },
        new GraphQLError('userId must not be empty'),
      );
      assert.equal(formatted.extensions?.['code'], 'BAD_USER_INPUT');
      assert.equal(formatted.extensions?.['field'], 'userId');
      assert.equal(formatted.message, 'userId must not be empty');
    });
  });
});
