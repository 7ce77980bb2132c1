import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { ConsumedEvent, EventType } from '@tailor/kit';

import type { ProfileView } from './domain/profile.js';
import { ProfileCache } from './profile-cache.js';

function view(offsets: Record<string, string>, foldedFor?: string | null): ProfileView {
  return {
    coldStart: false,
    queryVector: Float32Array.from([1, 0]),
    collaborative: null,
    seenItemIds: [],
    recent: [],
    topTags: [],
    offsets,
    foldedFor,
  };
}

function heard(userId: string, partition: number, offset: number, type: EventType = 'like') {
  const consumed: ConsumedEvent = {
    event: { eventId: `${userId}-${offset}`, userId, type, itemId: 'i1', timestamp: Date.now() },
    partition,
    offset: String(offset),
  };
  return consumed;
}

function cache(options: { heardUsers?: number; guess?: boolean } = {}) {
  return new ProfileCache({
    maxUsers: 10,
    maxAgeMs: 60_000,
    subjectOf: (userId) => `subject-of-${userId}`,
    ...options,
  });
}

describe('ProfileCache', () => {
  describe('when a profile holds every event heard of its user', () => {
    it('keeps it and gives it back until an event of the user is heard', () => {
      const profiles = cache();
      profiles.hear([heard('ann', 0, 7)]);
      const kept = view({ '0': '7' });
      assert.equal(profiles.keep('ann', kept, ProfileCache.clock()), true);
      assert.equal(profiles.get('ann', null), kept);
      assert.equal(profiles.get('bob', null), undefined, 'another user has nothing kept');

      profiles.hear([heard('ann', 0, 9, 'impression')]);
      assert.equal(profiles.get('ann', null), kept, 'an impression moves nothing a list reads');
      profiles.hear([heard('bob', 0, 10)]);
      assert.equal(profiles.get('ann', null), kept, "another user's event");
      profiles.hear([heard('ann', 0, 11)]);
      assert.equal(profiles.get('ann', null), undefined, 'a new event of the user');
    });
  });

  describe('when the profile read misses an event already heard', () => {
    it('is used once, not kept, until a read holds the event', () => {
      const profiles = cache();
      profiles.hear([heard('ann', 2, 40)]);
      assert.equal(profiles.keep('ann', view({ '2': '39' }), ProfileCache.clock()), false);
      assert.equal(profiles.keep('ann', view({}), ProfileCache.clock()), false);
      assert.equal(profiles.get('ann', null), undefined);
      assert.equal(profiles.keep('ann', view({ '2': '40' }), ProfileCache.clock()), true);
    });

    it('does not let a redelivered batch move the user back', () => {
      const profiles = cache();
      profiles.hear([heard('ann', 0, 40), heard('ann', 0, 41)]);
      profiles.hear([heard('ann', 0, 40)]);
      assert.equal(profiles.keep('ann', view({ '0': '40' }), ProfileCache.clock()), false);
    });
  });

  describe('when more users were heard than it remembers', () => {
    it('keeps a user no longer remembered only if the profile holds every forgotten offset', () => {
      const profiles = cache({ heardUsers: 1 });
      profiles.hear([heard('ann', 0, 5), heard('bob', 0, 8)]);
      // Ann was forgotten: all that is known is that some user had an event at 5.
      assert.equal(profiles.keep('ann', view({ '0': '4' }), ProfileCache.clock()), false);
      assert.equal(
        profiles.keep('carl', view({}), ProfileCache.clock()),
        false,
        'maybe it was his',
      );
      assert.equal(profiles.keep('ann', view({ '0': '5' }), ProfileCache.clock()), true);
      assert.equal(profiles.keep('bob', view({ '0': '7' }), ProfileCache.clock()), false);
      assert.equal(profiles.keep('bob', view({ '0': '8' }), ProfileCache.clock()), true);
    });
  });

  describe('when the model in service is not the one the profile was folded against', () => {
    it('reads the profile again', () => {
      const profiles = cache();
      profiles.keep('ann', view({}, 'm1'), ProfileCache.clock());
      assert.notEqual(profiles.get('ann', 'm1'), undefined);
      assert.equal(profiles.get('ann', 'm2'), undefined, 'the profiles service re-folds it');
      profiles.keep('neg', view({}, undefined), ProfileCache.clock());
      assert.notEqual(profiles.get('neg', 'm2'), undefined, 'no positive event: nothing folded');
      profiles.keep('never', view({}, null), ProfileCache.clock());
      assert.equal(profiles.get('never', 'm2'), undefined, 'folded in once a model exists');
      assert.notEqual(profiles.get('never', null), undefined);
    });
  });

  describe('when a forget notice comes', () => {
    it("drops the user's profile, and one read under way is not kept", () => {
      const profiles = cache();
      profiles.keep('ann', view({}), ProfileCache.clock());
      const readStartedAt = ProfileCache.clock();
      profiles.forget([{ subject: 'subject-of-ann', forgottenAt: new Date().toISOString() }]);
      assert.equal(profiles.get('ann', null), undefined);
      assert.equal(profiles.keep('ann', view({}), readStartedAt), false, 'read before the notice');
      assert.equal(profiles.keep('ann', view({}), ProfileCache.clock() + 1), true, 'read after');
    });
  });

  describe('when guessing is on', () => {
    it('keeps a profile an event was heard of as the previous one, not as current', () => {
      const profiles = cache({ guess: true });
      const kept = view({});
      profiles.keep('ann', kept, ProfileCache.clock());
      assert.equal(profiles.previous('ann'), kept, 'a current entry is a previous profile too');
      profiles.hear([heard('ann', 0, 3)]);
      assert.equal(profiles.get('ann', null), undefined, 'not used as the list profile');
      assert.equal(profiles.previous('ann'), kept, 'still there to guess by');
      assert.equal(profiles.previous('bob'), undefined);
    });

    it('keeps a read that misses a heard event as the previous one', () => {
      const profiles = cache({ guess: true });
      profiles.hear([heard('ann', 2, 40)]);
      const read = view({ '2': '39' });
      assert.equal(profiles.keep('ann', read, ProfileCache.clock()), false, 'not kept current');
      assert.equal(profiles.get('ann', null), undefined);
      assert.equal(profiles.previous('ann'), read);
      const holding = view({ '2': '40' });
      assert.equal(profiles.keep('ann', holding, ProfileCache.clock()), true);
      assert.equal(profiles.get('ann', null), holding, 'current again once a read holds it');
    });

    it('gives the previous profile whatever model it was folded against', () => {
      const profiles = cache({ guess: true });
      const kept = view({}, 'm1');
      profiles.keep('ann', kept, ProfileCache.clock());
      assert.equal(profiles.get('ann', 'm2'), undefined);
      assert.equal(profiles.previous('ann'), kept, 'a guess is checked against what is read');
    });

    it('drops the previous profile too when the user is forgotten', () => {
      const profiles = cache({ guess: true });
      profiles.keep('ann', view({}), ProfileCache.clock());
      profiles.hear([heard('ann', 0, 3)]);
      const readStartedAt = ProfileCache.clock();
      profiles.forget([{ subject: 'subject-of-ann', forgottenAt: new Date().toISOString() }]);
      assert.equal(profiles.previous('ann'), undefined);
      assert.equal(profiles.keep('ann', view({}), readStartedAt), false);
      assert.equal(profiles.previous('ann'), undefined, 'a read under way is not kept either');
    });
  });

  describe('when guessing is off', () => {
    it('drops a profile an event was heard of, and gives no previous one', () => {
      const profiles = cache();
      profiles.keep('ann', view({}), ProfileCache.clock());
      assert.equal(profiles.previous('ann'), undefined, 'nothing is guessed');
      profiles.hear([heard('ann', 0, 3)]);
      assert.equal(profiles.get('ann', null), undefined);
      assert.equal(profiles.size, 0, 'the copy is gone');
      assert.equal(profiles.keep('ann', view({}), ProfileCache.clock()), false);
      assert.equal(profiles.size, 0, 'a read missing the event is not kept');
    });
  });

  describe('when it holds no users', () => {
    it('keeps nothing, not even to guess by', () => {
      const profiles = new ProfileCache({
        maxUsers: 0,
        maxAgeMs: 1_000,
        subjectOf: (u) => u,
        guess: true,
      });
      assert.equal(profiles.keep('ann', view({}), ProfileCache.clock()), false);
      assert.equal(profiles.get('ann', null), undefined);
      assert.equal(profiles.previous('ann'), undefined, 'so nothing to guess by either');
    });
  });
});
