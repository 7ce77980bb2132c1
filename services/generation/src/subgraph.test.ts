import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  createEmbeddedVectorStore,
  type ItemPayload,
  ITEMS_COLLECTION,
  itemsCollectionSpec,
  loadConfig,
  type ProfilePayload,
  PROFILES_COLLECTION,
  profilesCollectionSpec,
  silentLogger,
  type VectorStore,
} from '@tailor/kit';
import { waitFor } from '@tailor/kit/testing';
import { z } from 'zod';

import { type GenerationConfig, generationEnvShape } from './config.js';
import { type Angle, ANGLES } from './domain/loop/angles.js';
import { creativeId } from './domain/loop/creative.js';
import { PROMPT_VERSION } from './domain/prompt.js';
import { THUMBNAIL_VERSION } from './domain/thumbnail.js';
import { MemoryDecisionSink } from './loop/creative-loop.js';
import { type RunningGeneration, startGeneration } from './subgraph.js';
import { type FakeChatServer, startFakeChatServer } from './testing/fake-chat-server.js';
import { BOARD, CRAFTED, itemPayload, profilePayload, SHOES } from './testing/fixtures.js';
import { pngSize } from './testing/png.js';
import { TEMPLATE_CHOSEN_REASON } from './writers/copy-writer.js';

const DIMENSION = 4;
const TENT = itemPayload({
  itemId: 'outdoor-002',
  title: 'Two Person Dome Tent',
  description: 'A dome tent that sleeps 2 and packs down small.',
  tags: ['camping', 'hiking'],
  price: 149,
  attributes: { capacity: '2 people' },
});
const NOVEL = itemPayload({
  itemId: 'books-001',
  title: 'The Long Trail',
  description: 'A novel about a walk across a continent.',
  category: 'books',
  tags: ['fiction', 'hiking'],
  price: 14.99,
  attributes: { format: 'paperback' },
});
const ITEMS: ItemPayload[] = [SHOES, TENT, NOVEL, BOARD, CRAFTED];

const PROFILES: ProfilePayload[] = [
  profilePayload({
    userId: 'user-hiker',
    categories: { outdoor: 6, books: 2 },
    tags: { hiking: 5, camping: 3 },
    recentItems: [{ itemId: 'outdoor-002', type: 'like', at: 1 }],
  }),
  profilePayload({
    userId: 'user-runner',
    categories: { kitchen: 4 },
    tags: { running: 6, walnut: 1 },
  }),
];

interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

interface Labelled {
  provider: string;
  grounded: boolean;
  fallbackReason: string | null;
  modelAnswerPending: boolean;
}
interface RecommendationEntity {
  recommendationId: string;
  item: { id: string };
  description: Labelled & { text: string; model: string; promptVersion: string };
  ad: Labelled & { headline: string; body: string; callToAction: string };
  thumbnail: {
    url: string;
    altText: string;
    width: number;
    height: number;
    badge: string;
    interest: string | null;
  };
}

const HOME_FIELDS = `
  ... on Recommendation {
    recommendationId
    item { id }
    description { text provider model promptVersion grounded fallbackReason modelAnswerPending }
    ad(format: BANNER) {
      headline body callToAction provider grounded fallbackReason modelAnswerPending
    }
    thumbnail(width: 640, height: 360) { url altText width height badge interest }
  }`;

function representations(userId: string, items: readonly ItemPayload[] = ITEMS) {
  return items.map((item, i) => ({
    __typename: 'Recommendation',
    recommendationId: `rec-${userId}`,
    userId,
    item: { id: item.itemId },
    position: i,
  }));
}

async function post(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLAnswer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLAnswer;
}

async function recommendations(url: string, userId: string): Promise<RecommendationEntity[]> {
  const answer = await post(
    url,
    `query($reps: [_Any!]!) { _entities(representations: $reps) { ${HOME_FIELDS} } }`,
    { reps: representations(userId).map(({ position: _position, ...rep }) => rep) },
  );
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
  return (answer.data?._entities ?? []) as RecommendationEntity[];
}

/** One sample of a Prometheus text exposition, 0 when the series is absent. */
async function metric(
  baseUrl: string,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (wanted.every((label) => line.includes(label))) return Number(line.split(' ').at(-1));
  }
  return 0;
}

/** The real store, counting reads per collection: the batching shows in how often it is read. */
function countingStore(store: VectorStore): VectorStore & { reads: Record<string, number> } {
  const reads: Record<string, number> = {};
  return Object.assign(Object.create(store) as VectorStore, {
    reads,
    retrieve: (collection: string, ids: readonly string[], options?: { withVectors?: boolean }) => {
      reads[collection] = (reads[collection] ?? 0) + 1;
      return store.retrieve(collection, ids, options);
    },
  });
}

function configFor(dataDir: string, env: Record<string, string> = {}): GenerationConfig {
  return loadConfig(z.object(generationEnvShape), { DATA_DIR: dataDir, ...env });
}

/** An embedded store under `dataDir` holding {@link ITEMS} and the given profiles. */
async function seededStore(
  dataDir: string,
  profiles: readonly ProfilePayload[],
): Promise<VectorStore> {
  const store = await createEmbeddedVectorStore({ dataDir, logger: silentLogger() });
  await store.ensureCollection(itemsCollectionSpec(DIMENSION));
  await store.ensureCollection(profilesCollectionSpec(DIMENSION));
  await store.upsert(
    ITEMS_COLLECTION,
    ITEMS.map((item, i) => ({
      id: item.itemId,
      vectors: { content: [1, i, 0, 0] },
      payload: { ...item },
    })),
  );
  await store.upsert(
    PROFILES_COLLECTION,
    profiles.map((profile) => ({
      id: profile.userId,
      vectors: { long: [1, 0, 0, 0], short: [0, 1, 0, 0] },
      payload: { ...profile },
    })),
  );
  return store;
}

describe('generation subgraph', () => {
  let dataDir: string;
  let store: VectorStore;
  let counting: ReturnType<typeof countingStore>;
  let generation: RunningGeneration;
  let baseUrl: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tailor-'));
    store = await seededStore(dataDir, PROFILES);
    counting = countingStore(store);
    generation = await startGeneration({
      // These tests pin the interest-led copy, as served before variants: the variants have
      // their own suite below.
      config: configFor(dataDir, { GENERATION_VARIANTS: 'false' }),
      logger: silentLogger(),
      store: counting,
      host: '127.0.0.1',
      port: 0,
    });
    baseUrl = generation.url.replace(/\/graphql$/, '');
  });

  after(async () => {
    await generation.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('when the gateway resolves the recommendations of a Home query', () => {
    it('returns a description, an ad and a thumbnail for each, from one batch of store reads', async () => {
      const before = { ...counting.reads };
      const entities = await recommendations(generation.url, 'user-hiker');
      assert.equal(entities.length, 5);
      for (const entity of entities) {
        assert.equal(entity.description.provider, 'template');
        assert.equal(entity.description.promptVersion, 'template-v2');
        assert.equal(entity.description.grounded, true);
        assert.equal(entity.description.fallbackReason, null);
        assert.equal(entity.ad.grounded, true);
        assert.ok(entity.ad.headline.length <= 40);
        assert.match(
          entity.thumbnail.url,
          new RegExp(`^${baseUrl}/thumbnails/[0-9a-f]{64}\\.png\\?item=`),
        );
        assert.equal(entity.thumbnail.width, 640);
        assert.equal(entity.thumbnail.height, 360);
      }
      const items = (counting.reads[ITEMS_COLLECTION] ?? 0) - (before[ITEMS_COLLECTION] ?? 0);
      const profiles =
        (counting.reads[PROFILES_COLLECTION] ?? 0) - (before[PROFILES_COLLECTION] ?? 0);
      assert.ok(items <= 2, `items read ${items} times`);
      assert.equal(profiles, 1);
    });

    it('serves each thumbnail URL as a PNG of exactly the asked size', async () => {
      const [entity] = await recommendations(generation.url, 'user-hiker');
      const res = await fetch(entity?.thumbnail.url ?? '');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'image/png');
      assert.match(res.headers.get('cache-control') ?? '', /immutable/);
      assert.deepEqual(pngSize(Buffer.from(await res.arrayBuffer())), { width: 640, height: 360 });
      assert.match(entity?.thumbnail.altText ?? '', /Trail Running Shoes/);
    });
  });

  describe('when two users with different interests get the same item', () => {
    it("writes different descriptions, each naming its user's interest", async () => {
      const [hiker] = await recommendations(generation.url, 'user-hiker');
      const [runner] = await recommendations(generation.url, 'user-runner');
      assert.equal(hiker?.item.id, SHOES.itemId);
      assert.notEqual(hiker?.description.text, runner?.description.text);
      assert.match(hiker?.description.text ?? '', /hiking/);
      assert.match(runner?.description.text ?? '', /running/);
      assert.notEqual(hiker?.thumbnail.url, runner?.thumbnail.url);
      // Each badge says which of its user's interests it used, and shows it.
      for (const entity of [hiker, runner]) {
        const interest = entity?.thumbnail.interest ?? '';
        assert.ok(interest !== '' && entity?.thumbnail.badge.includes(interest), interest);
        assert.ok(entity?.thumbnail.altText.includes(entity.thumbnail.badge));
      }
      assert.notEqual(hiker?.thumbnail.interest, runner?.thumbnail.interest);
      for (const entity of [hiker, runner]) {
        const generated = [entity?.description, entity?.ad, entity?.thumbnail];
        assert.doesNotMatch(JSON.stringify(generated), /user-(hiker|runner)/);
      }
    });
  });

  describe('when the same query is asked twice', () => {
    it('answers the second time from the cache, as the metrics show', async () => {
      const hit = (kind: string) =>
        metric(baseUrl, 'tailor_generation_cache_total', { kind, result: 'hit' });
      const miss = (kind: string) =>
        metric(baseUrl, 'tailor_generation_cache_total', { kind, result: 'miss' });
      const first = await recommendations(generation.url, 'user-cache');
      const [hitsBefore, missesBefore] = [await hit('description'), await miss('description')];
      const second = await recommendations(generation.url, 'user-cache');
      assert.deepEqual(second, first);
      assert.equal((await hit('description')) - hitsBefore, 5);
      assert.equal((await miss('description')) - missesBefore, 0);
      assert.ok((await hit('ad')) >= 5);
      assert.ok((await hit('thumbnail')) >= 5);
      assert.ok(
        (await metric(baseUrl, 'tailor_generation_provider_duration_seconds_count', {
          provider: 'template',
        })) > 0,
      );
    });
  });

  describe('when an item is asked for directly', () => {
    it('writes for the given user', async () => {
      const answer = await post(
        generation.url,
        `{ _entities(representations: [{ __typename: "Item", id: "kitchen-002" }]) {
            ... on Item {
              personalizedDescription(userId: "user-runner") { text grounded }
              ad(userId: "user-runner", format: EMAIL_SUBJECT) { headline }
              thumbnail(width: 200, height: 100) { width height altText badge interest }
            }
          } }`,
      );
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      const [item] = (answer.data?._entities ?? []) as {
        personalizedDescription: { text: string; grounded: boolean };
        ad: { headline: string };
        thumbnail: {
          width: number;
          height: number;
          altText: string;
          badge: string;
          interest: string | null;
        };
      }[];
      assert.match(item?.personalizedDescription.text ?? '', /walnut/);
      assert.equal(item?.personalizedDescription.grounded, true);
      assert.ok((item?.ad.headline.length ?? 99) <= 60);
      assert.deepEqual([item?.thumbnail.width, item?.thumbnail.height], [200, 100]);
      assert.match(item?.thumbnail.altText ?? '', /From kitchen/);
      // Asked without a user: a neutral badge, which names no interest.
      assert.equal(item?.thumbnail.badge, 'From kitchen');
      assert.equal(item?.thumbnail.interest, null);
    });

    it('refuses a thumbnail size out of bounds, naming the argument', async () => {
      const answer = await post(
        generation.url,
        `{ _entities(representations: [{ __typename: "Item", id: "kitchen-002" }]) {
            ... on Item { thumbnail(width: 640, height: 4096) { url } } } }`,
      );
      assert.equal(answer.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.equal(answer.errors?.[0]?.extensions?.field, 'height');
      assert.match(
        answer.errors?.[0]?.message ?? '',
        /height must be a whole number of pixels from 64 to 2048, got 4096/,
      );
    });

    it('says NOT_FOUND for an item the catalog does not have', async () => {
      const answer = await post(
        generation.url,
        `{ _entities(representations: [{ __typename: "Item", id: "nope-1" }]) {
            ... on Item { personalizedDescription(userId: "user-runner") { text } } } }`,
      );
      assert.equal(answer.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    });
  });

  describe('when the catalog rewrites an item that was already served', () => {
    const LAMP = itemPayload({
      itemId: 'outdoor-lamp',
      title: 'Folding Camp Lantern',
      description: 'A lantern that folds flat.',
      tags: ['camping'],
      attributes: { battery: '20 h' },
    });
    const QUERY = `{ _entities(representations: [{ __typename: "Item", id: "outdoor-lamp" }]) {
        ... on Item {
          personalizedDescription(userId: "user-hiker") { text }
          thumbnail(width: 320, height: 180) { altText }
        } } }`;
    const rewrite = (payload: ItemPayload) =>
      store.upsert(ITEMS_COLLECTION, [
        { id: payload.itemId, vectors: { content: [0, 0, 1, 0] }, payload: { ...payload } },
      ]);
    const served = async () => {
      const answer = await post(generation.url, QUERY);
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      const [item] = (answer.data?._entities ?? []) as {
        personalizedDescription: { text: string };
        thumbnail: { altText: string };
      }[];
      return `${item?.personalizedDescription.text ?? ''} | ${item?.thumbnail.altText ?? ''}`;
    };

    it('serves the new text at once, with a later write time or the same one', async () => {
      await rewrite(LAMP);
      assert.match(await served(), /Folding Camp Lantern/);
      await rewrite({ ...LAMP, title: 'Pocket Camp Lantern', updatedAt: LAMP.updatedAt + 1 });
      const renamed = await served();
      assert.match(renamed, /Pocket Camp Lantern/);
      assert.doesNotMatch(renamed, /Folding/);
      // Two writes in one millisecond, or a point edited by hand, keep the write time.
      await rewrite({ ...LAMP, title: 'Dome Camp Lantern', updatedAt: LAMP.updatedAt + 1 });
      const again = await served();
      assert.match(again, /Dome Camp Lantern/);
      assert.doesNotMatch(again, /Pocket/);
    });
  });

  describe('when a thumbnail URL is unknown or malformed', () => {
    it('answers 404', async () => {
      assert.equal((await fetch(`${baseUrl}/thumbnails/${'a'.repeat(64)}.png`)).status, 404);
      assert.equal((await fetch(`${baseUrl}/thumbnails/..%2F..%2Fetc%2Fpasswd`)).status, 404);
    });
  });

  describe('when another replica, which never composed it, gets the thumbnail URL', () => {
    let replica: RunningGeneration;
    let replicaDir: string;

    before(async () => {
      replicaDir = mkdtempSync(join(tmpdir(), 'tailor-'));
      replica = await startGeneration({
        config: configFor(replicaDir),
        logger: silentLogger(),
        store,
        host: '127.0.0.1',
        port: 0,
      });
    });
    after(async () => {
      await replica.close();
      rmSync(replicaDir, { recursive: true, force: true });
    });

    const onReplica = (url: string) => url.replace(baseUrl, replica.url.replace(/\/graphql$/, ''));

    it('draws it again from the recipe in the URL, the same PNG', async () => {
      const [entity] = await recommendations(generation.url, 'user-runner');
      const url = entity?.thumbnail.url ?? '';
      const original = Buffer.from(await (await fetch(url)).arrayBuffer());
      const res = await fetch(onReplica(url));
      assert.equal(res.status, 200);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), original);
    });

    it('refuses a recipe that does not draw the named picture', async () => {
      const [entity] = await recommendations(generation.url, 'user-hiker');
      const forged = new URL(onReplica(entity?.thumbnail.url ?? ''));
      forged.searchParams.set('t', 'FREE for you');
      assert.equal((await fetch(forged)).status, 404);
    });

    it('answers 400 naming the parameter when the recipe is malformed', async () => {
      const [entity] = await recommendations(generation.url, 'user-hiker');
      const broken = new URL(onReplica(entity?.thumbnail.url ?? ''));
      broken.searchParams.set('w', '9999');
      const res = await fetch(broken);
      assert.equal(res.status, 400);
      const body = (await res.json()) as { error: { code: string; field: string } };
      assert.deepEqual([body.error.code, body.error.field], ['BAD_REQUEST', 'w']);
      broken.searchParams.set('w', '640');
      broken.searchParams.delete('t');
      assert.equal((await fetch(broken)).status, 400);
    });
  });
});

/**
 * The writer's wait for an answer where the test server answers: far beyond any answer, and a
 * request budget beyond it, so a loaded machine cannot turn an answer into a fallback.
 */
const ANSWERED_TIMEOUT_MS = 20_000;
/** The wait where the test server never answers: the timeout is what ends it, so it is short. */
const UNANSWERED_TIMEOUT_MS = 300;

/** The generation subgraph on the LLM writer against `chat`, each failure seen request by request. */
function startLlmGeneration(
  dataDir: string,
  store: VectorStore,
  chat: FakeChatServer,
  timeoutMs: number,
): Promise<RunningGeneration> {
  return startGeneration({
    config: configFor(dataDir, {
      GENERATION_PROVIDER: 'openai',
      OPENAI_BASE_URL: chat.baseUrl,
      // The LLM writer's paths on the interest-led copy; the variants' prompts have unit tests.
      GENERATION_VARIANTS: 'false',
      OPENAI_MODEL: 'local-test-model',
      GENERATION_TIMEOUT_MS: String(timeoutMs),
      GENERATION_REQUEST_BUDGET_MS: String(ANSWERED_TIMEOUT_MS + 10_000),
      GENERATION_MAX_RETRIES: '0',
      // Each failure mode is checked request by request; the breaker has its own test.
      GENERATION_LLM_CIRCUIT_FAILURES: '0',
      GENERATION_FALLBACK_CACHE_TTL_MS: '0',
      GENERATION_PUBLIC_BASE_URL: 'https://cdn.example.com/tailor/',
    }),
    logger: silentLogger(),
    store,
    host: '127.0.0.1',
    port: 0,
  });
}

/** Stops what {@link startLlmGeneration}'s suites started, the server first. */
async function stopLlmGeneration(
  generation: RunningGeneration,
  chat: FakeChatServer,
  store: VectorStore,
  dataDir: string,
): Promise<void> {
  await generation.close();
  await chat.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}

/** A Home list for `user-<mode>` with the LLM in `mode`: every text the template's, saying why. */
async function assertFallsBack(
  generation: RunningGeneration,
  chat: FakeChatServer,
  mode: FakeChatServer['mode'],
  reason: RegExp,
  label: string,
): Promise<void> {
  chat.mode = mode;
  const baseUrl = generation.url.replace(/\/graphql$/, '');
  const fallbacksBefore = await metric(baseUrl, 'tailor_generation_fallbacks_total', {
    reason: label,
  });
  const entities = await recommendations(generation.url, `user-${mode}`);
  assert.equal(entities.length, 5);
  for (const entity of entities) {
    for (const text of [entity.description, entity.ad]) {
      assert.equal(text.provider, 'template');
      assert.match(text.fallbackReason ?? '', reason);
      assert.equal(text.grounded, true);
    }
  }
  assert.doesNotMatch(JSON.stringify(entities), /FREE/);
  assert.equal(
    (await metric(baseUrl, 'tailor_generation_fallbacks_total', { reason: label })) -
      fallbacksBefore,
    10,
  );
}

describe('generation subgraph with the LLM writer', () => {
  let dataDir: string;
  let store: VectorStore;
  let chat: FakeChatServer;
  let generation: RunningGeneration;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tailor-'));
    // Distinct interests per user: the cache is keyed by interests, not by user, and each
    // scenario must reach the LLM rather than an earlier scenario's cached answer.
    store = await seededStore(
      dataDir,
      ['user-llm', 'user-slow', 'user-error', 'user-ungrounded', 'user-impersonal'].map(
        (userId, i) =>
          profilePayload({
            userId,
            tags: { [['hiking', 'camping', 'running', 'fiction', 'trail'][i] ?? '']: 1 },
          }),
      ),
    );
    chat = await startFakeChatServer();
    generation = await startLlmGeneration(dataDir, store, chat, ANSWERED_TIMEOUT_MS);
  });

  after(() => stopLlmGeneration(generation, chat, store, dataDir));

  describe('when the LLM answers', () => {
    it('uses its texts and puts thumbnails under the public base URL', async () => {
      chat.mode = 'normal';
      const entities = await recommendations(generation.url, 'user-llm');
      for (const entity of entities) {
        assert.equal(entity.description.provider, 'openai-compatible');
        assert.equal(entity.description.model, 'local-test-model');
        assert.equal(entity.description.promptVersion, PROMPT_VERSION);
        assert.equal(entity.description.grounded, true);
        assert.equal(entity.ad.provider, 'openai-compatible');
        assert.match(
          entity.thumbnail.url,
          /^https:\/\/cdn\.example\.com\/tailor\/thumbnails\/[0-9a-f]{64}\.png\?item=/,
        );
      }
      assert.equal(
        chat.requests.every((r) => JSON.stringify(r.body).includes('user-llm')),
        false,
      );
    });
  });

  describe("when the model's grounded answers name none of the user's interests", () => {
    it('serves the template, says it was chosen, counts it, and keeps it like a model answer', async () => {
      chat.mode = 'impersonal';
      const baseUrl = generation.url.replace(/\/graphql$/, '');
      const chosenBefore = await metric(baseUrl, 'tailor_generation_grounded_answers_total', {
        served: 'template',
      });
      const first = (await recommendations(generation.url, 'user-impersonal')).flatMap((e) => [
        e.description,
        e.ad,
      ]);
      // Where the template's best names the user's interest it is served over the answer; where
      // it names none either, the tie goes to the model.
      const chosen = first.filter((t) => t.provider === 'template');
      assert.ok(chosen.length > 0, 'no template text chosen');
      for (const text of first) {
        assert.equal(text.grounded, true);
        assert.equal(text.modelAnswerPending, false);
        if (text.provider === 'template') {
          assert.equal(text.fallbackReason, TEMPLATE_CHOSEN_REASON);
        } else assert.equal(text.fallbackReason, null);
      }
      assert.equal(
        (await metric(baseUrl, 'tailor_generation_grounded_answers_total', {
          served: 'template',
        })) - chosenBefore,
        chosen.length,
      );
      // A choice, not a failure: cached although the fallback TTL is 0, so the model is not
      // asked again for the same texts.
      const asked = chat.requests.length;
      const again = (await recommendations(generation.url, 'user-impersonal')).flatMap((e) => [
        e.description,
        e.ad,
      ]);
      assert.deepEqual(
        again.map((t) => t.fallbackReason),
        first.map((t) => t.fallbackReason),
      );
      assert.equal(chat.requests.length, asked);
    });
  });

  for (const [mode, reason, label] of [
    ['error', /^http 500$/, 'http_error'],
    ['ungrounded', /^ungrounded \(\d+ problems?\)$/, 'ungrounded'],
  ] as const) {
    describe(`when the LLM is ${mode}`, () => {
      it('falls back to the template, says why, and the query still succeeds', async () => {
        await assertFallsBack(generation, chat, mode, reason, label);
      });
    });
  }
});

describe('generation subgraph with an LLM that never answers', () => {
  let dataDir: string;
  let store: VectorStore;
  let chat: FakeChatServer;
  let generation: RunningGeneration;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tailor-'));
    store = await seededStore(dataDir, [
      profilePayload({ userId: 'user-slow', tags: { camping: 1 } }),
    ]);
    chat = await startFakeChatServer('slow');
    generation = await startLlmGeneration(dataDir, store, chat, UNANSWERED_TIMEOUT_MS);
  });

  after(() => stopLlmGeneration(generation, chat, store, dataDir));

  describe('when the LLM is slow', () => {
    it('falls back to the template, says why, and the query still succeeds', async () => {
      await assertFallsBack(generation, chat, 'slow', /^timeout after 300 ms$/, 'timeout');
    });
  });
});

describe('generation subgraph with a model slower than the request budget', () => {
  let dataDir: string;
  let store: VectorStore;
  let chat: FakeChatServer;
  let generation: RunningGeneration;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tailor-'));
    store = await seededStore(dataDir, PROFILES);
    chat = await startFakeChatServer('gated');
    generation = await startGeneration({
      config: configFor(dataDir, {
        GENERATION_PROVIDER: 'openai',
        OPENAI_BASE_URL: chat.baseUrl,
        // The LLM writer's paths on the interest-led copy; the variants' prompts have unit tests.
        GENERATION_VARIANTS: 'false',
        OPENAI_MODEL: 'slow-test-model',
        GENERATION_REQUEST_BUDGET_MS: '100',
        GENERATION_TIMEOUT_MS: '60000',
        GENERATION_MAX_RETRIES: '0',
        // 5 descriptions and 5 ads: 2 written at once, 4 waiting, the other 4 dropped.
        GENERATION_CONCURRENCY: '2',
        GENERATION_QUEUE_MAX_JOBS: '4',
      }),
      logger: silentLogger(),
      store,
      host: '127.0.0.1',
      port: 0,
    });
  });

  after(async () => {
    chat.release();
    await generation.close();
    await chat.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers within the budget with the template, then serves the model text once written', async () => {
    const baseUrl = generation.url.replace(/\/graphql$/, '');
    const dropped = await metric(baseUrl, 'tailor_generation_background_jobs_total', {
      result: 'dropped',
    });
    const first = (await recommendations(generation.url, 'user-hiker')).flatMap((e) => [
      e.description,
      e.ad,
    ]);
    for (const text of first) {
      assert.equal(text.provider, 'template');
      assert.equal(text.grounded, true);
    }
    const pending = first.filter((t) => t.modelAnswerPending);
    assert.equal(pending.length, 6);
    for (const text of pending)
      assert.equal(text.fallbackReason, 'request budget exhausted; model answer pending');
    const refused = first.filter((t) => !t.modelAnswerPending);
    assert.equal(refused.length, 4);
    for (const text of refused) assert.equal(text.fallbackReason, 'generation queue full');
    assert.equal(
      (await metric(baseUrl, 'tailor_generation_background_jobs_total', { result: 'dropped' })) -
        dropped,
      4,
    );

    chat.mode = 'normal';
    chat.release();
    const served = await waitFor(
      async () => {
        const texts = (await recommendations(generation.url, 'user-hiker')).flatMap((e) => [
          e.description,
          e.ad,
        ]);
        for (const text of texts) {
          assert.equal(text.grounded, true);
          if (text.provider === 'template') assert.notEqual(text.fallbackReason, null);
        }
        // Settled: the model's answer, or the template's chosen over it for saying more.
        const settled = (t: (typeof texts)[number]) =>
          t.provider === 'openai-compatible' || t.fallbackReason === TEMPLATE_CHOSEN_REASON;
        return texts.every(settled) && texts;
      },
      { description: 'every text written by the model and chosen', timeoutMs: 20_000 },
    );
    for (const text of served) assert.equal(text.modelAnswerPending, false);
    assert.ok(
      served.some((t) => t.provider === 'openai-compatible' && t.fallbackReason === null),
      'no model answer served',
    );
    // Each text was asked of the model once, however many requests wanted it meanwhile.
    assert.equal(chat.requests.length, 10);
  });
});

describe('generation subgraph with variants', () => {
  const VARIANT_FIELDS = `
    ... on Recommendation {
      recommendationId
      item { id }
      description { text grounded promptVersion creativeId angle interest }
      ad(format: BANNER) { headline body grounded promptVersion creativeId angle }
      thumbnail(width: 320, height: 180) { badge creativeId angle }
    }`;
  interface VariantEntity {
    recommendationId: string;
    item: { id: string };
    description: {
      text: string;
      grounded: boolean;
      promptVersion: string;
      creativeId: string;
      angle: string;
      interest: string | null;
    };
    ad: {
      headline: string;
      grounded: boolean;
      promptVersion: string;
      creativeId: string;
      angle: string;
    };
    thumbnail: { badge: string; creativeId: string; angle: string };
  }
  let dataDir: string;
  let store: VectorStore;
  let generation: RunningGeneration;
  let sink: MemoryDecisionSink;

  async function served(url: string, userId: string, listId: string): Promise<VariantEntity[]> {
    const reps = ITEMS.map((item) => ({
      __typename: 'Recommendation',
      recommendationId: listId,
      userId,
      item: { id: item.itemId },
    }));
    const answer = await post(
      url,
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ${VARIANT_FIELDS} } }`,
      { reps },
    );
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    return (answer.data?._entities ?? []) as VariantEntity[];
  }

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tailor-'));
    store = await seededStore(dataDir, PROFILES);
    sink = new MemoryDecisionSink();
    generation = await startGeneration({
      // Choosing afresh for every list, so the choices can be watched.
      config: configFor(dataDir, {
        GENERATION_VARIANT_STICKY_MS: '0',
        GENERATION_BANDIT_SEED: '16',
      }),
      logger: silentLogger(),
      store,
      host: '127.0.0.1',
      port: 0,
      decisions: sink,
    });
  });
  after(async () => {
    await generation.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('when a user is served a list', () => {
    it('labels each description, ad and thumbnail with its angle and stable creative id', async () => {
      const entities = await served(generation.url, 'user-hiker', 'rec-variants-1');
      assert.equal(entities.length, ITEMS.length);
      for (const entity of entities) {
        const formats = [
          ['DESCRIPTION', entity.description, entity.description.promptVersion],
          ['AD_BANNER', entity.ad, entity.ad.promptVersion],
          ['THUMBNAIL', entity.thumbnail, THUMBNAIL_VERSION],
        ] as const;
        for (const [format, variant, promptVersion] of formats) {
          assert.ok(ANGLES.map((a) => a.toUpperCase()).includes(variant.angle), variant.angle);
          const angle = variant.angle.toLowerCase() as Angle;
          assert.equal(
            variant.creativeId,
            creativeId({ itemId: entity.item.id, angle, format, promptVersion }),
            `${entity.item.id} ${format}`,
          );
        }
        assert.equal(entity.description.grounded, true, entity.description.text);
        assert.equal(entity.ad.grounded, true, entity.ad.headline);
        assert.notEqual(entity.description.interest, null, 'every angle still names an interest');
      }
    });

    it('logs every choice with the probability it was made with', async () => {
      const before = sink.decisions.length;
      const entities = await served(generation.url, 'user-runner', 'rec-variants-2');
      const decisions = sink.decisions.slice(before);
      assert.equal(decisions.length, ITEMS.length * 3, 'one per description, ad and thumbnail');
      for (const decision of decisions) {
        assert.equal(decision.recommendationId, 'rec-variants-2');
        const total = Object.values(decision.probabilities).reduce((a, b) => a + (b ?? 0), 0);
        assert.ok(Math.abs(total - 1) < 1e-9, `probabilities sum to ${total}`);
        assert.equal(decision.propensity, decision.probabilities[decision.angle]);
        assert.ok(decision.propensity > 0 && decision.propensity <= 1);
        assert.doesNotMatch(JSON.stringify(decision), /user-runner/, 'no user id in the log');
      }
      const servedIds = entities.flatMap((e) => [
        e.description.creativeId,
        e.ad.creativeId,
        e.thumbnail.creativeId,
      ]);
      assert.deepEqual(new Set(decisions.map((d) => d.creativeId)), new Set(servedIds));
    });
  });

  describe('when a client asks how a variant was chosen', () => {
    it('answers with the logged choice: bucket (with the list surface), odds of every offered angle, time', async () => {
      const CHOICE = `{ choice { bucket propensity offered { angle probability } byBandit chosenAt } }`;
      const reps = [
        {
          __typename: 'Recommendation',
          recommendationId: 'rec-why-1',
          userId: 'user-hiker',
          // What the gateway adds from the recommender for the fields that require it.
          surface: 'home',
        },
      ].map((r) => ({ ...r, item: { id: TENT.itemId } }));
      const before = sink.decisions.length;
      const answer = await post(
        generation.url,
        `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Recommendation {
          description ${CHOICE} ad(format: BANNER) ${CHOICE} thumbnail ${CHOICE} } } }`,
        { reps },
      );
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      const [entity] = (answer.data?._entities ?? []) as Record<string, { choice: unknown }>[];
      const decisions = sink.decisions.slice(before);
      assert.equal(decisions.length, 3);
      for (const [field, format] of [
        ['description', 'DESCRIPTION'],
        ['ad', 'AD_BANNER'],
        ['thumbnail', 'THUMBNAIL'],
      ] as const) {
        const decision = decisions.find((d) => d.format === format);
        assert.ok(decision, format);
        const offered = Object.entries(decision.probabilities)
          .map(([angle, probability]) => ({ angle: angle.toUpperCase(), probability }))
          .sort((a, b) => b.probability - a.probability || a.angle.localeCompare(b.angle));
        assert.deepEqual(entity?.[field]?.choice, {
          bucket: decision.bucket,
          propensity: decision.propensity,
          offered,
          byBandit: true,
          chosenAt: new Date(decision.at).toISOString(),
        });
        assert.ok(offered.length >= 2, `${format} offers a choice`);
        assert.equal(decision.bucket, `${format.toLowerCase()}|home|outdoor`, 'the list surface');
      }
    });

    it('has no choice for a thumbnail drawn for no one', async () => {
      const answer = await post(
        generation.url,
        `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Item {
          thumbnail { angle choice { bucket } } } } }`,
        { reps: [{ __typename: 'Item', id: TENT.itemId }] },
      );
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      assert.deepEqual(answer.data?._entities, [
        { thumbnail: { angle: 'INTEREST', choice: null } },
      ]);
    });
  });

  describe('when lists are served again and again', () => {
    it('shows more than one angle of the same item, each grounded', async () => {
      const angles = new Set<string>();
      for (let list = 0; list < 12; list += 1) {
        const [shoes] = await served(generation.url, 'user-hiker', `rec-again-${list}`);
        assert.equal(shoes?.description.grounded, true, shoes?.description.text);
        angles.add(shoes?.description.angle ?? '');
      }
      assert.ok(angles.size >= 2, `angles seen: ${[...angles].join(', ')}`);
    });
  });

  describe('when variants are sticky', () => {
    it('shows a user the same variant of an item in the next list, logging no new choice', async () => {
      const replicaDir = mkdtempSync(join(tmpdir(), 'tailor-'));
      const own = new MemoryDecisionSink();
      const sticky = await startGeneration({
        config: configFor(replicaDir),
        logger: silentLogger(),
        store,
        host: '127.0.0.1',
        port: 0,
        decisions: own,
      });
      try {
        const first = await served(sticky.url, 'user-hiker', 'rec-sticky-1');
        const logged = own.decisions.length;
        const second = await served(sticky.url, 'user-hiker', 'rec-sticky-2');
        assert.deepEqual(
          second.map((e) => [e.description.creativeId, e.ad.creativeId, e.thumbnail.creativeId]),
          first.map((e) => [e.description.creativeId, e.ad.creativeId, e.thumbnail.creativeId]),
        );
        assert.equal(own.decisions.length, logged);
      } finally {
        await sticky.close();
        rmSync(replicaDir, { recursive: true, force: true });
      }
    });
  });
});
