import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ANONYMOUS, type EventValidation, TRUSTED, type Viewer } from '@tailor/kit';

import { ownEventsOnly } from './ownership.js';

function eventOf(userId: string): EventValidation {
  return {
    ok: true,
    event: { eventId: `e-${userId}`, userId, itemId: 'i1', type: 'view', timestamp: 0 },
  };
}

const alice: Viewer = { kind: 'user', userId: 'alice' };

describe('ownEventsOnly', () => {
  describe('when a user records its own event', () => {
    it('keeps the event', () => {
      assert.deepEqual(ownEventsOnly(alice, eventOf('alice')), eventOf('alice'));
    });
  });

  describe("when a user records another user's event", () => {
    it('refuses it with an error on userId', () => {
      const result = ownEventsOnly(alice, eventOf('bob'));
      assert.equal(result.ok, false);
      assert.deepEqual(!result.ok && result.errors.map((e) => e.field), ['userId']);
    });
  });

  describe('when a service or a trusted caller records anyone', () => {
    it('keeps the event', () => {
      const importer: Viewer = { kind: 'service', serviceId: 'importer' };
      assert.equal(ownEventsOnly(importer, eventOf('bob')).ok, true);
      assert.equal(ownEventsOnly(TRUSTED, eventOf('bob')).ok, true);
    });
  });

  describe('when the caller is anonymous', () => {
    it('refuses the event', () => {
      assert.equal(ownEventsOnly(ANONYMOUS, eventOf('bob')).ok, false);
    });
  });

  describe('when the event is already invalid', () => {
    it('keeps its own errors', () => {
      const invalid: EventValidation = { ok: false, errors: [{ field: 'type', message: 'bad' }] };
      assert.deepEqual(ownEventsOnly(alice, invalid), invalid);
    });
  });
});
