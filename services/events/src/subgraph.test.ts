import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  createEmbeddedEventBus,
  type DeliveredMessage,
  type EventBus,
  publishUserEvents,
  silentLogger,
  type Subscription,
  USER_EVENTS_TOPIC,
} from '@tailor/kit';
import { waitFor } from '@tailor/kit/testing';

import type { EventsConfig } from './config.js';
import { type RunningEvents, startEvents } from './subgraph.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MAX_BATCH_SIZE = 4;
const MAX_BODY_BYTES = 4_096;
const ALLOWED_ORIGIN = 'https://shop.example.com';

const config: EventsConfig = {
  EVENTS_PORT: 0,
  EVENTS_MAX_BATCH_SIZE: MAX_BATCH_SIZE,
  EVENTS_MAX_BODY_BYTES: MAX_BODY_BYTES,
  EVENTS_CORS_ORIGINS: [ALLOWED_ORIGIN],
  EVENTS_MAX_UPDATER_LAG_EVENTS: 0,
  EVENTS_UPDATER_GROUP: 'profiles',
  EVENTS_LAG_CHECK_INTERVAL_MS: 500,
  EVENTS_BACKLOG_RETRY_AFTER_SECONDS: 1,
};

interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

interface RestAnswer {
  accepted?: number;
  eventIds?: string[];
  errors?: { index: number; field: string; message: string }[];
  error?: { code: string; message: string };
}

/** A started service on a fresh embedded bus, with a reader of everything on user-events. */
interface Harness {
  events: RunningEvents;
  bus: EventBus;
  /** Every message read from user-events so far. */
  published: DeliveredMessage[];
  close(): Promise<void>;
}

async function startHarness(): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tailor-'));
  const logger = silentLogger();
  const bus = await createEmbeddedEventBus({ dataDir, logger });
  const published: DeliveredMessage[] = [];
  let reader: Subscription | undefined;
  let events: RunningEvents | undefined;
  const close = async () => {
    await events?.close();
    await reader?.stop();
    await bus.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    events = await startEvents({ config, logger, bus, host: '127.0.0.1', port: 0 });
    reader = await bus.subscribe({
      topic: USER_EVENTS_TOPIC,
      groupId: 'events-test-reader',
      fromBeginning: true,
      ephemeral: true,
      handleBatch: async (batch) => {
        published.push(...batch.messages);
      },
    });
    return { events, bus, published, close };
  } catch (err) {
    await close();
    throw err;
  }
}

async function graphql(
  events: RunningEvents,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLAnswer> {
  const res = await fetch(events.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLAnswer;
}

const RECORD = `mutation Record($events: [UserEventInput!]!) {
  recordEvents(events: $events) { accepted eventIds errors { index field message } }
}`;

function restUrl(events: RunningEvents): string {
  return new URL('/v1/events', events.url).toString();
}

async function post(
  events: RunningEvents,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<{ status: number; headers: Headers; json: RestAnswer }> {
  const res = await fetch(restUrl(events), { method: 'POST', headers, body });
  return { status: res.status, headers: res.headers, json: (await res.json()) as RestAnswer };
}

function messagesOf(harness: Harness, userId: string): DeliveredMessage[] {
  return harness.published.filter((message) => message.key === userId);
}

function parsed(message: DeliveredMessage): Record<string, unknown> {
  return JSON.parse(message.value) as Record<string, unknown>;
}

/** Waits until `count` events of `userId` have been read, then returns them. */
function published(harness: Harness, userId: string, count: number): Promise<DeliveredMessage[]> {
  return waitFor(
    () => {
      const messages = messagesOf(harness, userId);
      return messages.length >= count ? messages : undefined;
    },
    { description: `${count} events of ${userId} on ${USER_EVENTS_TOPIC}` },
  );
}

/**
 * Proves that nothing but `expected` was published for `userId`: a marker with the same key
 * lands in the same partition after anything published earlier, so once it is read, every
 * earlier event of that user has been read too.
 */
async function publishedBeforeMarker(
  harness: Harness,
  userId: string,
): Promise<DeliveredMessage[]> {
  const markerId = `marker-${userId}`;
  await publishUserEvents(harness.bus, [
    { eventId: markerId, userId, itemId: 'marker', type: 'view', timestamp: Date.now() },
  ]);
  const messages = await waitFor(
    () => {
      const all = messagesOf(harness, userId);
      return all.some((message) => parsed(message).eventId === markerId) ? all : undefined;
    },
    { description: `marker of ${userId}` },
  );
  return messages.filter((message) => parsed(message).eventId !== markerId);
}

describe('events subgraph', () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });

  after(async () => {
    await harness.close();
  });

  describe('when recordEvents gets 2 valid events and 1 invalid one', () => {
    it('accepts the 2, names the bad field, and publishes exactly the 2 keyed by userId', async () => {
      const answer = await graphql(harness.events, RECORD, {
        events: [
          { eventId: 'gql-1', userId: 'gql-user', itemId: 'sku-1', type: 'VIEW' },
          { userId: 'gql-user', type: 'CLICK' },
          {
            userId: 'gql-user',
            itemId: 'sku-2',
            type: 'RATING',
            value: 4,
            context: { surface: 'home', extra: [{ key: 'campaign', value: 'summer' }] },
          },
        ],
      });
      assert.equal(answer.errors, undefined);
      const result = answer.data?.recordEvents as RestAnswer;
      assert.equal(result.accepted, 2);
      assert.equal(result.eventIds?.[0], 'gql-1');
      assert.match(result.eventIds?.[1] ?? '', UUID_V4);
      assert.deepEqual(
        result.errors?.map(({ index, field }) => ({ index, field })),
        [{ index: 1, field: 'itemId' }],
      );

      const messages = await publishedBeforeMarker(harness, 'gql-user');
      assert.equal(messages.length, 2);
      assert.deepEqual(
        messages.map((message) => message.key),
        ['gql-user', 'gql-user'],
      );
      const [first, second] = messages.map(parsed);
      assert.equal(first?.eventId, 'gql-1');
      assert.equal(first?.type, 'view');
      assert.deepEqual(
        {
          eventId: second?.eventId,
          type: second?.type,
          value: second?.value,
          context: second?.context,
        },
        {
          eventId: result.eventIds?.[1],
          type: 'rating',
          value: 4,
          context: { surface: 'home', campaign: 'summer' },
        },
      );
    });
  });

  describe('when recordEvents gets more events than the limit', () => {
    it('fails with BAD_USER_INPUT on events and publishes nothing', async () => {
      const events = Array.from({ length: MAX_BATCH_SIZE + 1 }, (_, i) => ({
        userId: 'gql-too-many',
        itemId: `sku-${i}`,
        type: 'VIEW',
      }));
      const answer = await graphql(harness.events, RECORD, { events });
      assert.equal(answer.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.equal(answer.errors?.[0]?.extensions?.field, 'events');
      assert.deepEqual(await publishedBeforeMarker(harness, 'gql-too-many'), []);
    });
  });

  describe('when recordEvents gets an empty batch', () => {
    it('accepts nothing without error', async () => {
      const answer = await graphql(harness.events, RECORD, { events: [] });
      assert.deepEqual(answer.data?.recordEvents, { accepted: 0, eventIds: [], errors: [] });
    });
  });

  describe('when a client asks for the limits', () => {
    it('answers the configured and contract limits', async () => {
      const answer = await graphql(
        harness.events,
        '{ eventLimits { maxBatchSize maxBodyBytes maxIdLength maxContextEntries maxContextValueLength } }',
      );
      assert.deepEqual(answer.data?.eventLimits, {
        maxBatchSize: MAX_BATCH_SIZE,
        maxBodyBytes: MAX_BODY_BYTES,
        maxIdLength: 128,
        maxContextEntries: 16,
        maxContextValueLength: 256,
      });
    });
  });

  describe('when POST /v1/events gets a JSON array', () => {
    it('answers 202 with generated eventIds and publishes the events', async () => {
      const { status, json } = await post(
        harness.events,
        JSON.stringify([
          { userId: 'rest-array', itemId: 'sku-1', type: 'view', context: { surface: 'pdp' } },
          { userId: 'rest-array', itemId: 'sku-2', type: 'add_to_cart' },
        ]),
      );
      assert.equal(status, 202);
      assert.equal(json.accepted, 2);
      assert.deepEqual(json.errors, []);
      assert.equal(json.eventIds?.length, 2);
      for (const id of json.eventIds ?? []) assert.match(id, UUID_V4);
      const messages = await published(harness, 'rest-array', 2);
      assert.deepEqual(
        messages.map((message) => parsed(message).eventId),
        json.eventIds,
      );
    });
  });

  describe('when a request carries an x-request-id', () => {
    it('puts it on every published event as the request-id header', async () => {
      const { status } = await post(
        harness.events,
        JSON.stringify([
          { userId: 'rest-traced', itemId: 'sku-1', type: 'view' },
          { userId: 'rest-traced', itemId: 'sku-2', type: 'click' },
        ]),
        { 'content-type': 'application/json', 'x-request-id': 'trace-rest-1' },
      );
      assert.equal(status, 202);
      const messages = await published(harness, 'rest-traced', 2);
      assert.deepEqual(
        messages.map((message) => message.headers['request-id']),
        ['trace-rest-1', 'trace-rest-1'],
      );
    });
  });

  describe('when POST /v1/events gets { events }', () => {
    it('answers 202 and publishes the events', async () => {
      const { status, json } = await post(
        harness.events,
        JSON.stringify({
          events: [{ eventId: 'wrapped-1', userId: 'rest-wrapped', itemId: 'sku-1', type: 'like' }],
        }),
      );
      assert.equal(status, 202);
      assert.deepEqual(json, { accepted: 1, eventIds: ['wrapped-1'], errors: [] });
      const [message] = await published(harness, 'rest-wrapped', 1);
      assert.equal(message && parsed(message).type, 'like');
    });
  });

  describe('when POST /v1/events gets a sendBeacon text/plain body', () => {
    it('reads it as JSON, answers 202 and publishes the event', async () => {
      const { status, json } = await post(
        harness.events,
        JSON.stringify({
          events: [{ userId: 'rest-beacon', itemId: 'sku-9', type: 'dwell', value: 42 }],
        }),
        { 'content-type': 'text/plain;charset=UTF-8', origin: ALLOWED_ORIGIN },
      );
      assert.equal(status, 202);
      assert.equal(json.accepted, 1);
      const [message] = await published(harness, 'rest-beacon', 1);
      assert.equal(message && parsed(message).value, 42);
    });
  });

  describe('when POST /v1/events gets a single event object', () => {
    it('answers 202 and publishes it', async () => {
      const { status, json } = await post(
        harness.events,
        JSON.stringify({
          userId: 'rest-single',
          itemId: 'sku-3',
          type: 'purchase',
          timestamp: Date.now(),
        }),
      );
      assert.equal(status, 202);
      assert.equal(json.accepted, 1);
      await published(harness, 'rest-single', 1);
    });
  });

  describe('when POST /v1/events gets some invalid events', () => {
    it('answers 207 with the refused ones indexed and publishes only the valid', async () => {
      const { status, json } = await post(
        harness.events,
        JSON.stringify([
          { userId: 'rest-mixed', type: 'view' },
          { eventId: 'mixed-ok', userId: 'rest-mixed', itemId: 'sku-1', type: 'view' },
          { userId: 'rest-mixed', itemId: 'sku-1', type: 'VIEW' },
        ]),
      );
      assert.equal(status, 207);
      assert.equal(json.accepted, 1);
      assert.deepEqual(json.eventIds, ['mixed-ok']);
      assert.deepEqual(
        json.errors?.map(({ index, field }) => ({ index, field })),
        [
          { index: 0, field: 'itemId' },
          { index: 2, field: 'type' },
        ],
      );
      const messages = await publishedBeforeMarker(harness, 'rest-mixed');
      assert.deepEqual(
        messages.map((message) => parsed(message).eventId),
        ['mixed-ok'],
      );
    });
  });

  describe('when POST /v1/events gets only invalid events', () => {
    it('answers 400 with the errors', async () => {
      const { status, json } = await post(
        harness.events,
        JSON.stringify([{ userId: 'rest-none', itemId: 'sku-1', type: 'rating', value: 11 }]),
      );
      assert.equal(status, 400);
      assert.equal(json.accepted, 0);
      assert.deepEqual(json.errors?.[0]?.field, 'value');
    });
  });

  describe('when the body is larger than the limit', () => {
    it('answers 413 PAYLOAD_TOO_LARGE', async () => {
      const event = {
        userId: 'rest-huge',
        itemId: 'sku-1',
        type: 'view',
        context: { pad: 'x'.repeat(200) },
      };
      const body = JSON.stringify(Array.from({ length: 30 }, () => event));
      assert.ok(Buffer.byteLength(body) > MAX_BODY_BYTES);
      const { status, json } = await post(harness.events, body);
      assert.equal(status, 413);
      assert.equal(json.error?.code, 'PAYLOAD_TOO_LARGE');
      assert.deepEqual(await publishedBeforeMarker(harness, 'rest-huge'), []);
    });
  });

  describe('when the batch holds more events than the limit', () => {
    it('answers 413 BATCH_TOO_LARGE and publishes nothing', async () => {
      const events = Array.from({ length: MAX_BATCH_SIZE + 1 }, (_, i) => ({
        userId: 'rest-too-many',
        itemId: `sku-${i}`,
        type: 'view',
      }));
      const { status, json } = await post(harness.events, JSON.stringify(events));
      assert.equal(status, 413);
      assert.equal(json.error?.code, 'BATCH_TOO_LARGE');
      assert.deepEqual(await publishedBeforeMarker(harness, 'rest-too-many'), []);
    });
  });

  describe('when the body is not JSON', () => {
    it('answers 400 with a message saying so', async () => {
      const { status, json } = await post(harness.events, '[{"userId": "u1",');
      assert.equal(status, 400);
      assert.equal(json.error?.code, 'BAD_REQUEST');
      assert.match(json.error?.message ?? '', /not valid JSON/);
    });
  });

  describe('when the body is JSON of the wrong shape', () => {
    it('answers 400 with a message naming the accepted shapes', async () => {
      const { status, json } = await post(harness.events, '"view"');
      assert.equal(status, 400);
      assert.match(json.error?.message ?? '', /JSON array of events/);
    });
  });

  describe('when the content type is neither JSON nor text', () => {
    it('answers 415', async () => {
      const { status, json } = await post(harness.events, '[]', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      assert.equal(status, 415);
      assert.equal(json.error?.code, 'UNSUPPORTED_MEDIA_TYPE');
    });
  });

  describe('when a browser sends a CORS preflight', () => {
    it('allows a configured origin to POST', async () => {
      const res = await fetch(restUrl(harness.events), {
        method: 'OPTIONS',
        headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST' },
      });
      assert.equal(res.status, 204);
      assert.equal(res.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
      assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/);
    });

    it('gives another origin no CORS headers', async () => {
      const res = await fetch(restUrl(harness.events), {
        method: 'OPTIONS',
        headers: {
          origin: 'https://elsewhere.example.com',
          'access-control-request-method': 'POST',
        },
      });
      assert.equal(res.headers.get('access-control-allow-origin'), null);
    });
  });

  describe('when a configured origin posts events', () => {
    it('echoes the origin on the answer', async () => {
      const { headers } = await post(
        harness.events,
        JSON.stringify({ userId: 'rest-cors', itemId: 'sku-1', type: 'view' }),
        { 'content-type': 'application/json', origin: ALLOWED_ORIGIN },
      );
      assert.equal(headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
    });
  });

  describe('when events have been received', () => {
    it('counts them by outcome on /metrics', async () => {
      const counts = async () => {
        const text = await (await fetch(new URL('/metrics', harness.events.url))).text();
        const count = (outcome: string) =>
          Number(
            new RegExp(
              `^tailor_events_received_total\\{[^}]*outcome="${outcome}"[^}]*\\} (\\d+)$`,
              'm',
            ).exec(text)?.[1],
          );
        return { accepted: count('accepted'), rejected: count('rejected') };
      };
      const before = await counts();
      await post(
        harness.events,
        JSON.stringify([
          { userId: 'metrics-user', itemId: 'sku-1', type: 'view' },
          { userId: 'metrics-user', itemId: 'sku-2', type: 'view' },
          { userId: 'metrics-user', type: 'view' },
        ]),
      );
      assert.deepEqual(await counts(), {
        accepted: before.accepted + 2,
        rejected: before.rejected + 1,
      });
    });
  });
});

describe('events subgraph with the bus down', () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
    // The service started with a working bus; closing it now makes every publish fail.
    await harness.bus.close();
  });

  after(async () => {
    await harness.close();
  });

  describe('when recordEvents cannot publish', () => {
    it('fails with SERVICE_UNAVAILABLE and claims nothing accepted', async () => {
      const answer = await graphql(harness.events, RECORD, {
        events: [{ userId: 'down-user', itemId: 'sku-1', type: 'VIEW' }],
      });
      assert.equal(answer.data ?? null, null);
      assert.equal(answer.errors?.[0]?.extensions?.code, 'SERVICE_UNAVAILABLE');
    });
  });

  describe('when POST /v1/events cannot publish', () => {
    it('answers 503 with Retry-After and without an accepted count', async () => {
      const { status, headers, json } = await post(
        harness.events,
        JSON.stringify([{ userId: 'down-user', itemId: 'sku-1', type: 'view' }]),
      );
      assert.equal(status, 503);
      assert.equal(json.error?.code, 'SERVICE_UNAVAILABLE');
      assert.ok(Number(headers.get('retry-after')) > 0, 'a producer is told when to come back');
      assert.equal(json.accepted, undefined);
    });
  });
});
