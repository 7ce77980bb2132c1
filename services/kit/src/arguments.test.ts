import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { GraphQLError } from 'graphql';

import { ArgumentError, checkFirst, checkId, clientErrors } from './arguments.js';

const namesArgument = (argument: string) => (err: unknown) =>
  err instanceof ArgumentError && err.argument === argument && !err.retriable;

describe('checkFirst', () => {
  describe('when first is outside 1..max or not whole', () => {
    it('refuses it naming first', () => {
      for (const bad of [0, 101, -5, 2.5]) {
        assert.throws(() => checkFirst(bad, 100), namesArgument('first'));
      }
      assert.throws(() => checkFirst(51, 50), /first must be a whole number from 1 to 50, got 51/);
    });
  });

  describe('when first is within bounds', () => {
    it('returns it', () => {
      assert.equal(checkFirst(1, 100), 1);
      assert.equal(checkFirst(100, 100), 100);
      assert.equal(checkFirst(50, 50), 50);
    });
  });
});

describe('checkId', () => {
  describe('when the id is empty or longer than 128 characters', () => {
    it('refuses it naming the argument', () => {
      assert.throws(() => checkId('', 'userId'), namesArgument('userId'));
      assert.throws(() => checkId('x'.repeat(129), 'itemId'), namesArgument('itemId'));
      assert.equal(checkId('x'.repeat(128), 'userId'), 'x'.repeat(128));
    });
  });
});

describe('clientErrors', () => {
  const badUserInput = (field: string) => (err: unknown) =>
    err instanceof GraphQLError &&
    err.extensions.code === 'BAD_USER_INPUT' &&
    err.extensions.field === field;

  describe('when the work throws an ArgumentError', () => {
    it('answers BAD_USER_INPUT naming the argument, thrown or rejected', async () => {
      assert.throws(() => clientErrors(() => checkFirst(0, 10)), badUserInput('first'));
      await assert.rejects(
        clientErrors(() => Promise.resolve().then(() => checkId('', 'context.surface'))),
        badUserInput('context.surface'),
      );
    });
  });

  describe('when the work fails otherwise or succeeds', () => {
    it('passes the error or the value through', async () => {
      const down = new Error('store down');
      assert.throws(
        () =>
          clientErrors(() => {
            throw down;
          }),
        (err) => err === down,
      );
      await assert.rejects(
        clientErrors(() => Promise.reject(down)),
        (err) => err === down,
      );
      assert.equal(
        clientErrors(() => 3),
        3,
      );
      assert.equal(await clientErrors(() => Promise.resolve(4)), 4);
    });
  });
});
