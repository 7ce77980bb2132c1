import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { subgraphHttpError } from './subgraph-errors.js';

describe('subgraphHttpError', () => {
  describe('when a subgraph refuses a body with the kit error shape', () => {
    it('keeps its code and message and nothing else', () => {
      const error = subgraphHttpError(413, {
        error: {
          code: 'PAYLOAD_TOO_LARGE',
          message: 'Request body exceeds the limit of 4096 bytes.',
        },
      });
      assert.equal(error.extensions['code'], 'PAYLOAD_TOO_LARGE');
      assert.equal(error.message, 'Request body exceeds the limit of 4096 bytes.');
      assert.deepEqual(Object.keys(error.extensions), ['code']);
    });
  });

  describe('when the body is a GraphQL error list', () => {
    it('takes the first client-facing code', () => {
      const error = subgraphHttpError(400, {
        errors: [{ message: 'userId is wrong', extensions: { code: 'BAD_USER_INPUT' } }],
      });
      assert.equal(error.extensions['code'], 'BAD_USER_INPUT');
      assert.equal(error.message, 'userId is wrong');
    });
  });

  describe('when the subgraph fails on its side', () => {
    it('says only the status, never the body', () => {
      const error = subgraphHttpError(500, 'connect ECONNREFUSED 10.0.0.7:6333 at Qdrant');
      assert.equal(error.extensions['code'], 'INTERNAL_SERVER_ERROR');
      assert.doesNotMatch(error.message, /10\.0\.0\.7|Qdrant/);
    });

    it('does not pass an internal code on as client-facing', () => {
      const error = subgraphHttpError(502, {
        error: { code: 'INTERNAL_SERVER_ERROR', message: 'store at http://10.0.0.7 down' },
      });
      assert.equal(error.extensions['code'], 'INTERNAL_SERVER_ERROR');
      assert.doesNotMatch(error.message, /10\.0\.0\.7/);
    });
  });

  describe('when the body says nothing usable', () => {
    it('names the code by status', () => {
      assert.equal(subgraphHttpError(429, '<html>').extensions['code'], 'RATE_LIMITED');
      assert.equal(subgraphHttpError(503, undefined).extensions['code'], 'SERVICE_UNAVAILABLE');
    });
  });
});
