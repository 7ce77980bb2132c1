import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  type ConsumedEvent,
  consumeUserForgotten,
  cosine,
  createEmbeddedEventBus,
  createEmbeddedVectorStore,
  createHashedEmbedder,
  DEFAULT_CF_DIMENSION,
  DEFAULT_EVENT_WEIGHTS,
  DEFAULT_RECENT_TASTE,
  type Embedder,
  type EventBus,
  type EventType,
  isZero,
  type ItemPayload,
  ITEMS_COLLECTION,
  itemsCollectionSpec,
  MODELS_COLLECTION,
  PROFILE_LONG_VECTOR,
  PROFILE_SHORT_VECTOR,
  PROFILES_COLLECTION,
  pseudonymizer,
  publishUserEvents,
  silentLogger,
  type UserEvent,
  type VectorStore,
} from '@tailor/kit';
import { waitFor } from '@tailor/kit/testing';

import { type ProfilesConfig, profileSettings } from './config.js';
import { createProfileMetrics } from './metrics.js';
import { ProfileService } from './profile.service.js';
import { type RunningProfiles, startProfiles } from './subgraph.js';

const DIMENSION = 64;

const config: ProfilesConfig = {
  PROFILES_PORT: 0,
  PROFILES_CONSUMER_GROUP: 'profiles',
  PROFILE_LONG_HALF_LIFE_HOURS: 720,
  PROFILE_SHORT_HALF_LIFE_MINUTES: 30,
  PROFILE_EVENT_WEIGHTS: DEFAULT_EVENT_WEIGHTS,
  PROFILE_CF_RECENT_ITEMS: DEFAULT_RECENT_TASTE.items,
  PROFILE_CF_RECENT_WEIGHT: DEFAULT_RECENT_TASTE.weight,
  CF_DIMENSION: DEFAULT_CF_DIMENSION,
};

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

interface ProfileData {
  userId: string;
  eventCount: number;
  impressionCount: number;
  isColdStart: boolean;
  topCategories: { name: string; weight: number }[];
  topTags: { name: string; weight: number }[];
  countsByType: { type: string; count: number }[];
  recentItems: { item: { id: string }; type: string; at: string }[];
  lastEventAt: string | null;
}

const PROFILE = `query($id: ID!) { user(id: $id) { id profile {
  userId eventCount impressionCount isColdStart
  topCategories { name weight } topTags(first: 3) { name weight }
  countsByType { type count } recentItems(first: 5) { item { id } type at } lastEventAt } } }`;
const FORGET = 'mutation($userId: ID!) { forgetUser(userId: $userId) { userId forgotten } }';

/** Store calls a test counts, and failures it injects into profile writes. */
interface StoreProbe {
  retrieves: string[];
  upserts: string[];
  /** The next this-many upserts to `profiles` throw. */
  failProfileWrites: number;
  failed: number;
}

function probedStore(inner: VectorStore, probe: StoreProbe): VectorStore {
  return {
    ensureCollection: (spec) => inner.ensureCollection(spec),
    upsert: async (collection, points) => {
      probe.upserts.push(collection);
      if (collection === PROFILES_COLLECTION && probe.failProfileWrites > 0) {
        probe.failProfileWrites -= 1;
        probe.failed += 1;
        throw new Error('store unavailable (injected)');
      }
      return inner.upsert(collection, points);
    },
    retrieve: (collection, ids, options) => {
      probe.retrieves.push(collection);
      return inner.retrieve(collection, ids, options);
    },
    updateVectors: (collection, points) => inner.updateVectors(collection, points),
    search: (collection, request) => inner.search(collection, request),
    readMany: (collection, reads) => inner.readMany(collection, reads),
    scroll: (collection, request) => inner.scroll(collection, request),
    count: (collection, filter) => inner.count(collection, filter),
    delete: (collection, selector) => inner.delete(collection, selector),
    close: () => inner.close(),
  };
}

const CATALOG: Pick<ItemPayload, 'itemId' | 'title' | 'category' | 'tags'>[] = [
  {
    itemId: 'garden-1',
    title: 'Rose pruning shears',
    category: 'garden',
    tags: ['tools', 'outdoor'],
  },
  { itemId: 'garden-2', title: 'Watering can with rose', category: 'garden', tags: ['outdoor'] },
  { itemId: 'kitchen-1', title: 'Cast iron skillet', category: 'kitchen', tags: ['cookware'] },
  { itemId: 'books-1', title: 'A novel of the sea', category: 'books', tags: ['fiction'] },
];

async function seedItems(
  store: VectorStore,
  embedder: Embedder,
): Promise<Map<string, Float32Array>> {
  await store.ensureCollection(itemsCollectionSpec(embedder.dimension));
  const vectors = await embedder.embed(
    CATALOG.map((i) => `${i.title} ${i.category} ${i.tags.join(' ')}`),
  );
  const now = Date.now();
  await store.upsert(
    ITEMS_COLLECTION,
    CATALOG.map((item, i) => {
      const payload: ItemPayload = {
        ...item,
        description: item.title,
        price: 10,
        currency: 'EUR',
        inStock: true,
        attributes: {},
        createdAt: now,
        updatedAt: now,
      };
      return { id: item.itemId, vectors: { content: vectors[i]! }, payload: { ...payload } };
    }),
  );
  return new Map(CATALOG.map((item, i) => [item.itemId, vectors[i]!]));
}

let sequence = 0;

function event(
  userId: string,
  type: EventType,
  itemId?: string,
  extra: Partial<UserEvent> = {},
): UserEvent {
  sequence += 1;
  return {
    eventId: `svc-${sequence}-${Date.now()}`,
    userId,
    type,
    timestamp: Date.now() - 60_000 + sequence,
    ...(itemId === undefined ? {} : { itemId }),
    ...extra,
  };
}

describe('the profiles service', () => {
  let dataDir: string;
  let bus: EventBus;
  let inner: VectorStore;
  let store: VectorStore;
  let embedder: Embedder;
  let itemVectors: Map<string, Float32Array>;
  let running: RunningProfiles | undefined;
  const probe: StoreProbe = { retrieves: [], upserts: [], failProfileWrites: 0, failed: 0 };
  const logger = silentLogger();

  const start = async () => {
    running = await startProfiles({
      config,
      logger,
      bus,
      store,
      embedder,
      host: '127.0.0.1',
      port: 0,
    });
    return running;
  };

  async function gql<T>(
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<GraphQLAnswer<T>> {
    const response = await fetch(running!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLAnswer<T>;
  }

  async function profileOf(userId: string): Promise<ProfileData> {
    const answer = await gql<{ user: { id: string; profile: ProfileData } }>(PROFILE, {
      id: userId,
    });
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    return answer.data!.user.profile;
  }

  async function waitForCount(
    userId: string,
    eventCount: number,
    what: string,
  ): Promise<ProfileData> {
    return waitFor(
      async () => {
        const profile = await profileOf(userId);
        return profile.eventCount === eventCount ? profile : undefined;
      },
      { description: what },
    );
  }

  async function storedProfile(userId: string) {
    const [point] = await inner.retrieve(PROFILES_COLLECTION, [userId], { withVectors: true });
    assert.ok(point, `no stored profile for ${userId}`);
    return point;
  }

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tailor-'));
    bus = await createEmbeddedEventBus({
      dataDir,
      logger,
      partitions: 2,
      retryInitialDelayMs: 5,
      retryMaxDelayMs: 20,
    });
    inner = await createEmbeddedVectorStore({ dataDir, logger });
    store = probedStore(inner, probe);
    embedder = createHashedEmbedder({ dimension: DIMENSION });
    itemVectors = await seedItems(inner, embedder);
    await start();
  });

  after(async () => {
    await running?.close();
    await bus.close();
    await inner.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe("when a user's events are published", () => {
    const userId = 'alice';
    const events = [
      event(userId, 'view', 'garden-1'),
      event(userId, 'purchase', 'garden-2'),
      event(userId, 'like', 'garden-1'),
      event(userId, 'view', 'kitchen-1'),
      event(userId, 'dislike', 'books-1'),
      event(userId, 'impression', 'kitchen-1'),
      event(userId, 'view', 'not-in-catalog'),
    ];

    it('builds the profile the graph shows', async () => {
      await publishUserEvents(bus, events);
      const profile = await waitForCount(userId, 6, 'the events to reach the profile');
      assert.equal(profile.userId, userId);
      assert.equal(profile.impressionCount, 1);
      assert.equal(profile.isColdStart, false);
      assert.deepEqual(
        profile.topCategories.map((c) => c.name),
        ['garden', 'kitchen'],
      );
      assert.ok(Math.abs(profile.topCategories.reduce((sum, c) => sum + c.weight, 0) - 1) < 1e-9);
      assert.deepEqual(
        profile.topTags.map((t) => t.name),
        ['outdoor', 'tools', 'cookware'],
      );
      assert.deepEqual(profile.countsByType, [
        { type: 'VIEW', count: 3 },
        { type: 'PURCHASE', count: 1 },
        { type: 'LIKE', count: 1 },
        { type: 'DISLIKE', count: 1 },
        { type: 'IMPRESSION', count: 1 },
      ]);
      // The unknown item is counted but not listed; impressions are never listed.
      assert.deepEqual(
        profile.recentItems.map((r) => [r.item.id, r.type]),
        [
          ['books-1', 'DISLIKE'],
          ['kitchen-1', 'VIEW'],
          ['garden-1', 'LIKE'],
          ['garden-2', 'PURCHASE'],
          ['garden-1', 'VIEW'],
        ],
      );
      assert.equal(profile.recentItems[0]!.at, new Date(events[4]!.timestamp).toISOString());
      assert.equal(profile.lastEventAt, new Date(events[6]!.timestamp).toISOString());
    });

    it('moves the vectors towards liked items and away from the disliked one', async () => {
      const point = await storedProfile(userId);
      const long = point.vectors![PROFILE_LONG_VECTOR]!;
      const short = point.vectors![PROFILE_SHORT_VECTOR]!;
      assert.ok(cosine(long, itemVectors.get('garden-1')!) > 0.5);
      assert.ok(
        cosine(long, itemVectors.get('books-1')!) < cosine(long, itemVectors.get('kitchen-1')!),
      );
      assert.ok(cosine(short, itemVectors.get('garden-2')!) > 0.3);
      assert.deepEqual(point.payload.seenItemIds, ['books-1', 'kitchen-1', 'garden-1', 'garden-2']);
    });

    it('counts every event once when the same events are sent again', async () => {
      const before = await profileOf(userId);
      const marker = event(userId, 'view', 'garden-2');
      await publishUserEvents(bus, [...events, marker]);
      // The marker follows the resent events in the user's partition: once it shows, they were handled.
      const afterResend = await waitForCount(userId, before.eventCount + 1, 'the marker event');
      assert.equal(afterResend.impressionCount, before.impressionCount);
      assert.deepEqual(
        afterResend.countsByType,
        before.countsByType.map((c) => (c.type === 'VIEW' ? { ...c, count: c.count + 1 } : c)),
      );
      const metrics = await (await fetch(running!.url.replace(/\/graphql$/, '/metrics'))).text();
      assert.match(
        metrics,
        /tailor_profile_events_skipped_total\{[^}]*reason="duplicate"[^}]*\} 7\b/,
      );
      assert.match(metrics, /tailor_profile_events_applied_total\{[^}]*type="view"[^}]*\} 4\b/);
    });

    it('shows its consumer lag on /metrics, 0 once every event is committed', async () => {
      const line =
        /^tailor_consumer_lag_events\{(?=[^}]*topic="user-events")(?=[^}]*group="profiles")[^}]*\} (\d+)$/m;
      await waitFor(
        async () => {
          const text = await (await fetch(running!.url.replace(/\/graphql$/, '/metrics'))).text();
          return line.exec(text)?.[1] === '0';
        },
        { description: 'the lag gauge at 0' },
      );
    });
  });

  describe('when the store fails while applying', () => {
    it('gets the batch again and applies every event exactly once', async () => {
      const userId = 'bob';
      probe.failProfileWrites = 2;
      probe.failed = 0;
      await publishUserEvents(bus, [
        event(userId, 'like', 'kitchen-1'),
        event(userId, 'view', 'garden-1'),
      ]);
      const profile = await waitForCount(userId, 2, 'the batch to be applied after the failures');
      assert.equal(probe.failed, 2);
      assert.deepEqual(profile.countsByType, [
        { type: 'VIEW', count: 1 },
        { type: 'LIKE', count: 1 },
      ]);
    });
  });

  describe('when the same log offsets are delivered again', () => {
    it('skips them even under new event ids, with one read of profiles, one of items, one of the model, one write', async () => {
      const service = new ProfileService({
        store,
        logger,
        settings: profileSettings(config, DIMENSION),
        metrics: createProfileMetrics(),
      });
      const batch = (suffix: string): ConsumedEvent[] =>
        ['carol', 'dave', 'erin'].map((userId, i) => ({
          event: { ...event(userId, 'view', CATALOG[i]!.itemId), eventId: `${userId}-${suffix}` },
          partition: 9,
          offset: String(100 + i),
        }));
      probe.retrieves = [];
      probe.upserts = [];
      const first = await service.applyBatch(batch('first'));
      // The model is read once, then reused for MODEL_CHECK_MS.
      assert.deepEqual(probe.retrieves, [PROFILES_COLLECTION, ITEMS_COLLECTION, MODELS_COLLECTION]);
      assert.deepEqual(probe.upserts, [PROFILES_COLLECTION]);
      assert.deepEqual(first, {
        applied: 3,
        duplicate: 0,
        replayed: 0,
        unknownItem: 0,
        written: 3,
      });

      const again = await service.applyBatch(batch('again'));
      assert.deepEqual(again, {
        applied: 0,
        duplicate: 0,
        replayed: 3,
        unknownItem: 0,
        written: 0,
      });
      assert.deepEqual(probe.upserts, [PROFILES_COLLECTION]);
      assert.equal((await service.read('carol')).eventCount, 1);
    });
  });

  describe('when a user asks to be forgotten', () => {
    const userId = 'frank';

    it('erases the profile, keeping only offsets, and reads as a cold start', async () => {
      await publishUserEvents(bus, [
        event(userId, 'purchase', 'garden-1'),
        event(userId, 'impression'),
      ]);
      await waitForCount(userId, 1, "frank's history");
      const forgot = await gql<{ forgetUser: { userId: string; forgotten: boolean } }>(FORGET, {
        userId,
      });
      assert.deepEqual(forgot.data?.forgetUser, { userId, forgotten: true });

      const profile = await profileOf(userId);
      assert.deepEqual(
        { ...profile },
        {
          userId,
          eventCount: 0,
          impressionCount: 0,
          isColdStart: true,
          topCategories: [],
          topTags: [],
          countsByType: [],
          recentItems: [],
          lastEventAt: null,
        },
      );
      const point = await storedProfile(userId);
      assert.ok(isZero(point.vectors![PROFILE_LONG_VECTOR]!));
      assert.ok(isZero(point.vectors![PROFILE_SHORT_VECTOR]!));
      assert.deepEqual(point.payload.recentEventIds, []);
      assert.deepEqual(point.payload.seenItemIds, []);
      assert.ok(Object.keys(point.payload.offsets as object).length > 0);
    });

    it('tells the other services by the pseudonym, never the id', async () => {
      const notices: string[] = [];
      const subscription = await consumeUserForgotten({
        bus,
        groupId: 'notice-reader',
        logger: silentLogger(),
        handle: (batch) => notices.push(...batch.map((notice) => notice.subject)),
      });
      try {
        await waitFor(() => notices.includes(pseudonymizer(undefined)(userId)), {
          description: "frank's forget notice",
        });
        assert.ok(!notices.includes(userId));
      } finally {
        await subscription.stop();
      }
    });

    it('says nothing was forgotten the second time', async () => {
      const forgot = await gql<{ forgetUser: { forgotten: boolean } }>(FORGET, { userId });
      assert.equal(forgot.data?.forgetUser.forgotten, false);
    });

    it('starts a fresh profile with later events', async () => {
      await publishUserEvents(bus, [event(userId, 'view', 'books-1')]);
      const profile = await waitForCount(userId, 1, 'the event after forgetting');
      assert.deepEqual(profile.topCategories, [{ name: 'books', weight: 1 }]);
      assert.deepEqual(profile.countsByType, [{ type: 'VIEW', count: 1 }]);
    });
  });

  describe('when an unknown user is read', () => {
    it('is an empty cold-start profile, and forgetting it forgets nothing', async () => {
      const profile = await profileOf('nobody-ever');
      assert.equal(profile.eventCount, 0);
      assert.equal(profile.isColdStart, true);
      assert.equal(profile.lastEventAt, null);
      const forgot = await gql<{ forgetUser: { forgotten: boolean } }>(FORGET, {
        userId: 'nobody-ever',
      });
      assert.equal(forgot.data?.forgetUser.forgotten, false);
    });
  });

  describe('when the gateway resolves a User entity', () => {
    it('serves its profile', async () => {
      const answer = await gql<{ _entities: { id: string; profile: { eventCount: number } }[] }>(
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id profile { eventCount } } } }',
        { r: [{ __typename: 'User', id: 'alice' }] },
      );
      assert.deepEqual(answer.data?._entities, [{ id: 'alice', profile: { eventCount: 7 } }]);
    });
  });

  describe('when arguments are out of bounds', () => {
    it('refuses ids over 128 characters or empty, naming the argument', async () => {
      const long = 'x'.repeat(129);
      const user = await gql(PROFILE, { id: long });
      assert.equal(user.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.equal(user.errors?.[0]?.extensions?.field, 'id');
      assert.equal((await gql(PROFILE, { id: '' })).errors?.[0]?.extensions?.field, 'id');
      const forgot = await gql(FORGET, { userId: long });
      assert.equal(forgot.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.equal(forgot.errors?.[0]?.extensions?.field, 'userId');
    });

    it('refuses list sizes outside 1 to 50, naming first', async () => {
      for (const query of [
        '{ user(id: "alice") { profile { topCategories(first: 0) { name } } } }',
        '{ user(id: "alice") { profile { topTags(first: 51) { name } } } }',
        '{ user(id: "alice") { profile { recentItems(first: -1) { at } } } }',
      ]) {
        const answer = await gql(query);
        assert.equal(answer.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', query);
        assert.equal(answer.errors?.[0]?.extensions?.field, 'first', query);
      }
    });
  });

  describe('when the service restarts', () => {
    it('neither applies old events again nor misses new ones', async () => {
      const before = await profileOf('alice');
      await running!.close();
      running = undefined;
      await start();
      await publishUserEvents(bus, [event('alice', 'share', 'garden-1')]);
      const after = await waitForCount('alice', before.eventCount + 1, 'the event after restart');
      assert.equal(after.impressionCount, before.impressionCount);
      assert.deepEqual(
        after.countsByType.find((c) => c.type === 'SHARE'),
        { type: 'SHARE', count: 1 },
      );
    });
  });
});
