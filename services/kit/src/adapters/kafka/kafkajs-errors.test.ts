import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { TailorError } from '../../errors.js';
import { kafkaError, kafkaRetriable } from './kafkajs-errors.js';

/** Errors shaped like kafkajs's own (its classes are not exported as ES named exports). */
function kafkajsError(name: string, retriable: boolean, cause?: unknown): Error {
  return Object.assign(new Error(`${name} happened`), { name, retriable, cause });
}

describe('kafkaRetriable', () => {
  describe('when kafkajs marks the error', () => {
    it('follows its retriable flag', () => {
      assert.equal(kafkaRetriable(kafkajsError('KafkaJSConnectionError', true)), true);
      assert.equal(kafkaRetriable(kafkajsError('KafkaJSProtocolError', false)), false);
    });
  });

  describe('when kafkajs gave up retrying', () => {
    it('judges by what it gave up on', () => {
      const down = kafkajsError(
        'KafkaJSNumberOfRetriesExceeded',
        false,
        kafkajsError('KafkaJSConnectionError', true),
      );
      const refused = kafkajsError(
        'KafkaJSNumberOfRetriesExceeded',
        false,
        kafkajsError('KafkaJSProtocolError', false),
      );
      const wrapped = kafkajsError(
        'KafkaJSNonRetriableError',
        false,
        kafkajsError('KafkaJSConnectionError', true),
      );
      assert.equal(kafkaRetriable(down), true);
      assert.equal(kafkaRetriable(wrapped), true);
      assert.equal(kafkaRetriable(refused), false);
    });
  });

  describe('when kafkajs aggregates several failures', () => {
    it('is retriable only when every part is', () => {
      const aggregate = (...parts: Error[]) =>
        Object.assign(new Error('Topic creation errors'), {
          name: 'KafkaJSAggregateError',
          errors: parts,
        });
      const transient = kafkajsError('KafkaJSProtocolError', true);
      const permanent = kafkajsError('KafkaJSProtocolError', false);
      assert.equal(kafkaRetriable(aggregate(transient, transient)), true);
      assert.equal(kafkaRetriable(aggregate(transient, permanent)), false);
      assert.match(
        kafkaError('creating topics t', aggregate(permanent)).message,
        /Topic creation errors \(KafkaJSProtocolError happened\)/,
      );
    });
  });

  describe('when the error does not come from kafkajs', () => {
    it('assumes it is transient', () => {
      assert.equal(kafkaRetriable(new Error('socket hang up')), true);
      assert.equal(kafkaRetriable('a string'), true);
    });
  });
});

describe('kafkaError', () => {
  it('says what failed, keeps the cause and carries retriable', () => {
    const cause = kafkajsError('KafkaJSProtocolError', false);
    const err = kafkaError('publishing 3 messages to t', cause);
    assert.ok(err instanceof TailorError);
    assert.equal(err.retriable, false);
    assert.equal(err.cause, cause);
    assert.equal(
      err.message,
      'Kafka: publishing 3 messages to t failed: KafkaJSProtocolError happened',
    );
  });
});
