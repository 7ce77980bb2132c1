import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  ConfigError,
  createEmbeddedEventBus,
  type EventBus,
  silentLogger,
  type Subscription,
  USER_EVENTS_TOPIC,
} from '@tailor/kit';
import { waitFor } from '@tailor/kit/testing';

import type { EventsConfig } from './config.js';
import { type RunningEvents, startEvents } from './subgraph.js';

const BATCH = 4;
const MAX_LAG = 2 * BATCH;
const UPDATER_GROUP = 'profiles-under-test';

const config: EventsConfig = {
  EVENTS_PORT: 0,
  EVENTS_MAX_BATCH_SIZE: BATCH,
  EVENTS_MAX_BODY_BYTES: 65_536,
  EVENTS_CORS_ORIGINS: [],
  EVENTS_MAX_UPDATER_LAG_EVENTS: MAX_LAG,
  EVENTS_UPDATER_GROUP: UPDATER_GROUP,
  EVENTS_LAG_CHECK_INTERVAL_MS: 50,
  EVENTS_BACKLOG_RETRY_AFTER_SECONDS: 3,
};

interface GraphQLAnswer {
  data?: { recordEvents: { accepted: number; eventIds: string[] } } | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const RECORD = `mutation Record($events: [UserEventInput!]!) {
  recordEvents(events: $events) { accepted eventIds }
}`;

function batchOf(tag: string): { userId: string; itemId: string; type: string }[] {
  return Array.from({ length: BATCH }, (_, i) => ({
    userId: `user-${i % 3}`,
    itemId: `${tag}-${i}`,
    type: 'view',
  }));
}

describe('events intake backpressure', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tailor-backpressure-'));
  let bus: EventBus;
  let events: RunningEvents;
  let updater: Subscription;
  /** eventIds the stand-in profile updater applied, in order. */
  const applied: string[] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });

  const rest = async (body: unknown) => {
    const res = await fetch(new URL('/v1/events', events.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      json: (await res.json()) as {
        eventIds?: string[];
        error?: { code: string; retryAfterSeconds?: number };
      },
    };
  };
  const graphql = async (batch: unknown[]): Promise<GraphQLAnswer> => {
    const res = await fetch(events.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: RECORD,
        variables: { events: batch.map((e) => ({ ...(e as object), type: 'VIEW' })) },
      }),
    });
    return (await res.json()) as GraphQLAnswer;
  };

  before(async () => {
    bus = await createEmbeddedEventBus({ dataDir, logger: silentLogger() });
    await bus.ensureTopics([{ name: USER_EVENTS_TOPIC }]);
    // The profile updater, stuck until the gate opens: every event published meanwhile is lag.
    updater = await bus.subscribe({
      topic: USER_EVENTS_TOPIC,
      groupId: UPDATER_GROUP,
      fromBeginning: true,
      handleBatch: async (batch) => {
        await gate;
        for (const m of batch.messages) {
          applied.push((JSON.parse(m.value) as { eventId: string }).eventId);
        }
      },
    });
    events = await startEvents({ config, logger: silentLogger(), bus, host: '127.0.0.1', port: 0 });
  });

  after(async () => {
    open();
    await events.close();
    await updater.stop();
    await bus.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('when the profile updater falls behind by the bound', () => {
    const accepted: string[] = [];

    it('accepts batches up to the bound, then REST answers 429 with Retry-After', async () => {
      const first = await rest(batchOf('a'));
      const second = await graphql(batchOf('b'));
      assert.equal(first.status, 202);
      assert.equal(second.errors, undefined, JSON.stringify(second.errors));
      accepted.push(...first.json.eventIds!, ...second.data!.recordEvents.eventIds);
      assert.equal(accepted.length, MAX_LAG);

      const refused = await rest(batchOf('c'));
      assert.equal(refused.status, 429);
      assert.equal(refused.retryAfter, '3');
      assert.equal(refused.json.error?.code, 'OVERLOADED');
      assert.equal(refused.json.error?.retryAfterSeconds, 3);
      assert.equal(refused.json.eventIds, undefined, 'nothing of a refused batch is accepted');
      assert.equal(await bus.consumerLag(USER_EVENTS_TOPIC, UPDATER_GROUP), MAX_LAG);
    });

    it('refuses recordEvents with OVERLOADED and the retry hint, naming no address', async () => {
      const answer = await graphql(batchOf('d'));
      assert.equal(answer.data ?? null, null);
      const error = answer.errors?.[0];
      assert.equal(error?.extensions?.['code'], 'OVERLOADED');
      assert.equal(error?.extensions?.['retryAfterSeconds'], 3);
      assert.doesNotMatch(error?.message ?? '', /127\.0\.0\.1|http:/);
    });

    it('counts the refusals and shows the lag on /metrics', async () => {
      const metrics = async () => (await fetch(new URL('/metrics', events.url))).text();
      const lagLine = new RegExp(
        `^tailor_events_updater_lag_events(\\{[^}]*\\})? ${MAX_LAG}$`,
        'm',
      );
      // The gauge is the last lag read from the bus, read every 50 ms.
      const text = await waitFor(async () => {
        const body = await metrics();
        return lagLine.test(body) ? body : undefined;
      });
      assert.match(text, /^tailor_events_backlog_refusals_total(\{[^}]*\})? 2$/m);
    });

    it('takes the batch again once the updater caught up, and applies every accepted event once', async () => {
      open();
      const retried = await waitFor(
        async () => {
          const answer = await rest(batchOf('c'));
          return answer.status === 202 ? answer : undefined;
        },
        { description: 'the refused batch to be accepted once the lag is gone', intervalMs: 60 },
      );
      accepted.push(...retried.json.eventIds!);
      await waitFor(async () => (await bus.consumerLag(USER_EVENTS_TOPIC, UPDATER_GROUP)) === 0, {
        description: 'the updater to commit everything',
      });
      assert.deepEqual([...applied].sort(), [...accepted].sort());
      assert.equal(new Set(applied).size, applied.length, 'no event applied twice');
    });
  });

  describe('when the bound is below the batch size', () => {
    it('refuses to start, naming the variable', async () => {
      await assert.rejects(
        startEvents({
          config: { ...config, EVENTS_MAX_UPDATER_LAG_EVENTS: BATCH - 1 },
          logger: silentLogger(),
          bus,
          host: '127.0.0.1',
          port: 0,
        }),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.issues.some((issue) => issue.variable === 'EVENTS_MAX_UPDATER_LAG_EVENTS'),
      );
    });
  });
});
