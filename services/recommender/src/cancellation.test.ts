import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DEADLINE_HEADER, type VectorStore } from '@tailor/kit';
import { waitFor } from '@tailor/kit/testing';

import { countingStore } from './store-calls.js';
import { startRecommenderUnderTest } from './testing/recommender-under-test.js';

const ITEMS = [
  {
    id: 'boots',
    title: 'Trail Boots',
    category: 'outdoor',
    tags: ['hiking'],
    description: 'Boots.',
  },
  {
    id: 'tent',
    title: 'Ridge Tent',
    category: 'outdoor',
    tags: ['hiking'],
    description: 'A tent.',
  },
  { id: 'pan', title: 'Iron Pan', category: 'kitchen', tags: ['cooking'], description: 'A pan.' },
];

const QUERY = 'query($u: ID!) { recommendations(userId: $u, first: 2) { items { item { id } } } }';

/** A store whose calls are counted while `armed`, the first of them held until `open()`. */
function heldStore(store: VectorStore) {
  const state = { armed: false, calls: 0, open: () => undefined as void };
  const opened = new Promise<void>((resolve) => (state.open = resolve));
  const wrapped = new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (state.armed) {
          state.calls += 1;
          if (state.calls === 1) await opened;
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { state, wrapped };
}

/** The value of the series of `name` whose labels include `label` (NaN when absent). */
async function metric(url: string, name: string, label: string): Promise<number> {
  const text = await (await fetch(url.replace(/\/graphql$/, '/metrics'))).text();
  const series = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return Number(series?.split(' ').at(-1) ?? Number.NaN);
}

describe('recommendations for a caller that went away', () => {
  it('makes no store call after the caller disconnects', async () => {
    let held: ReturnType<typeof heldStore> | undefined;
    const t = await startRecommenderUnderTest({
      // Without the profile cache the warm list still reads the profile: the call held here.
      config: { RECOMMENDER_MODEL_REFRESH_MS: 600_000, RECOMMENDER_PROFILE_CACHE_USERS: 0 },
      wrapStore: (store) => {
        held = heldStore(store);
        return held.wrapped;
      },
    });
    try {
      await t.putItems(ITEMS);
      await t.putProfile({
        userId: 'leaver',
        interactions: [{ itemId: 'boots', type: 'like', at: Date.now() }],
      });
      // Warm: the model is read once and cached, so the held call is the profile read.
      assert.equal((await t.gql(QUERY, { u: 'leaver' })).errors, undefined);
      const state = held!.state;
      state.armed = true;
      const client = new AbortController();
      const answer = fetch(t.recommender.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: QUERY, variables: { u: 'leaver' } }),
        signal: client.signal,
      }).catch(() => 'gone');
      await waitFor(() => state.calls >= 1, { timeoutMs: 10_000, intervalMs: 5 });
      const callsWhenLeft = state.calls;
      client.abort();
      assert.equal(await answer, 'gone');
      // The held call returns only once the server has seen the caller go.
      await waitFor(
        async () =>
          (await metric(t.recommender.url, 'http_requests_abandoned_total', 'route="/graphql"')) ===
          1,
        {
          timeoutMs: 10_000,
          intervalMs: 10,
        },
      );
      state.open();
      await waitFor(
        async () =>
          (await metric(
            t.recommender.url,
            'tailor_recommendations_stopped_total',
            'reason="REQUEST_CANCELLED"',
          )) === 1,
        {
          timeoutMs: 10_000,
          intervalMs: 10,
        },
      );
      assert.equal(state.calls, callsWhenLeft, 'no store call after the caller left');
    } finally {
      await t.close();
    }
  });

  it('answers DEADLINE_EXCEEDED without a store call when the deadline has passed', async () => {
    let held: ReturnType<typeof heldStore> | undefined;
    const t = await startRecommenderUnderTest({
      wrapStore: (store) => {
        held = heldStore(store);
        return held.wrapped;
      },
    });
    try {
      held!.state.armed = true;
      const response = await fetch(t.recommender.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [DEADLINE_HEADER]: '0' },
        body: JSON.stringify({ query: QUERY, variables: { u: 'late' } }),
      });
      const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
      assert.equal(body.errors?.[0]?.extensions?.code, 'DEADLINE_EXCEEDED');
      assert.equal(held!.state.calls, 0);
    } finally {
      held?.state.open();
      await t.close();
    }
  });
});

describe('countingStore', () => {
  describe('when the signal has fired', () => {
    it('refuses every call without reaching the store', async () => {
      let reached = 0;
      const store = { retrieve: async () => (reached += 1) } as unknown as VectorStore;
      const controller = new AbortController();
      const counted = countingStore(store, () => undefined, controller.signal);
      await counted.retrieve('profiles', ['u']);
      controller.abort();
      await assert.rejects(counted.retrieve('profiles', ['u']), {
        extensions: { code: 'REQUEST_CANCELLED' },
      });
      assert.equal(reached, 1);
    });
  });
});
