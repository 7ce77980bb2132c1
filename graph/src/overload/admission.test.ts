import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Admission, type AdmissionResult } from './admission.js';
import { AimdLimit } from './limit.js';

const LIMIT = { floor: 2, ceiling: 4, latencyTargetMs: 100, backoffRatio: 0.5 };

function admitted(result: AdmissionResult | Promise<AdmissionResult>): AdmissionResult {
  assert.ok(!(result instanceof Promise), 'expected an answer without waiting');
  return result;
}

describe('AimdLimit', () => {
  describe('when requests at the limit finish fast', () => {
    it('grows by about one per limit completions, up to the ceiling', () => {
      const limit = new AimdLimit(LIMIT);
      limit.onSample(10, 2);
      limit.onSample(10, 2);
      assert.equal(limit.current, 2);
      limit.onSample(10, 2);
      assert.equal(limit.current, 3);
      for (let i = 0; i < 100; i += 1) limit.onSample(10, limit.current);
      assert.equal(limit.current, 4);
    });
  });

  describe('when the limit was not in full use', () => {
    it('stays where it is', () => {
      const limit = new AimdLimit(LIMIT);
      for (let i = 0; i < 10; i += 1) limit.onSample(10, 1);
      assert.equal(limit.current, 2);
    });
  });

  describe('when a request is slower than the target', () => {
    it('shrinks multiplicatively, never below the floor', () => {
      const limit = new AimdLimit(LIMIT);
      for (let i = 0; i < 100; i += 1) limit.onSample(10, limit.current);
      limit.onSample(500, 4);
      assert.equal(limit.current, 2);
      limit.onSample(500, 4);
      assert.equal(limit.current, 2);
    });
  });

  it('refuses a floor above the ceiling', () => {
    assert.throws(() => new AimdLimit({ ...LIMIT, floor: 5 }), RangeError);
  });
});

describe('Admission', () => {
  const options = { ...LIMIT, queueMax: 1, queueTimeoutMs: 60_000 };

  describe('when the limit and the queue are full', () => {
    it('refuses at once with queue_full', async () => {
      const admission = new Admission(options);
      const first = admitted(admission.acquire());
      admitted(admission.acquire());
      const waiting = admission.acquire();
      assert.ok(waiting instanceof Promise);
      assert.deepEqual(admitted(admission.acquire()), { admitted: false, reason: 'queue_full' });
      assert.equal(admission.queued, 1);
      // Let the queued one in, so its timer does not hold the test open.
      assert.ok(first.admitted);
      first.permit.release();
      assert.equal((await waiting).admitted, true);
    });
  });

  describe('when a slot frees', () => {
    it('admits the first queued request', async () => {
      const admission = new Admission(options);
      const first = admitted(admission.acquire());
      admitted(admission.acquire());
      const waiting = admission.acquire();
      assert.ok(first.admitted);
      first.permit.release();
      first.permit.release();
      const result = await waiting;
      assert.equal(result.admitted, true);
      assert.equal(admission.inflight, 2, 'a second release of one permit frees nothing');
    });
  });

  describe('when a queued request waits too long', () => {
    it('refuses it with queue_timeout', async () => {
      const admission = new Admission({ ...options, floor: 1, queueTimeoutMs: 1 });
      admitted(admission.acquire());
      assert.deepEqual(await admission.acquire(), { admitted: false, reason: 'queue_timeout' });
      assert.equal(admission.queued, 0);
    });
  });

  describe('when a queued client goes away', () => {
    it('leaves the queue without taking a slot', async () => {
      const admission = new Admission({ ...options, floor: 1 });
      const first = admitted(admission.acquire());
      const client = new AbortController();
      const waiting = admission.acquire(client.signal);
      client.abort();
      assert.deepEqual(await waiting, { admitted: false, reason: 'abandoned' });
      assert.equal(admission.queued, 0);
      assert.ok(first.admitted);
      first.permit.release();
      assert.equal(admission.inflight, 0);
    });
  });

  describe('when the queue already holds more waiting than the timeout', () => {
    /** An admission with one slot whose requests have held it 150 ms (slow: it stays at 1). */
    function withServiceTime(queueTimeoutMs: number) {
      let clock = 0;
      const admission = new Admission({ ...options, floor: 1, queueTimeoutMs, now: () => clock });
      const warm = admitted(admission.acquire());
      assert.ok(warm.admitted);
      clock += 150;
      warm.permit.release();
      const busy = admitted(admission.acquire());
      assert.ok(busy.admitted);
      return { admission, busy: busy.permit };
    }

    it('refuses at once with queue_wait instead of letting the request time out', () => {
      const { admission, busy } = withServiceTime(50);
      assert.deepEqual(admitted(admission.acquire()), { admitted: false, reason: 'queue_wait' });
      assert.equal(admission.queued, 0);
      assert.equal(admission.refusing, 'queue_wait', 'so the cheap early refusal applies too');
      busy.release();
    });

    it('still queues a request whose expected wait fits in the timeout', async () => {
      const { admission, busy } = withServiceTime(500);
      const waiting = admission.acquire();
      assert.ok(waiting instanceof Promise);
      busy.release();
      assert.equal((await waiting).admitted, true);
    });
  });
});
