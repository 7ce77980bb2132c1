import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

import { createEmbeddedEventBus } from '../adapters/embedded/index.js';
import { TailorError } from '../errors.js';
import { silentLogger } from '../logger.js';
import type { DeliveredMessage, EventBus } from '../ports/event-bus.js';
import { waitFor } from '../testing/index.js';
import { USER_EVENTS_DLQ_TOPIC, USER_EVENTS_TOPIC, type UserEvent } from './user-event.js';
import {
  type ConsumedEvent,
  consumeUserEvents,
  HEADER_DLQ_ORIGIN,
  HEADER_DLQ_REASON,
  userEventMessage,
} from './user-event-bus.js';

/** An embedded bus in a fresh directory, retrying failed batches at once, removed after. */
async function withBus(run: (bus: EventBus) => Promise<void>): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-'));
  const bus = await createEmbeddedEventBus({
    dataDir,
    logger: silentLogger(),
    retryInitialDelayMs: 1,
    retryMaxDelayMs: 2,
  });
  try {
    await run(bus);
  } finally {
    await bus.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function view(eventId: string): UserEvent {
  return { eventId, userId: 'u-1', itemId: 'sku-1', type: 'view', timestamp: Date.now() };
}

/**
 * Everything on the DLQ so far. A sentinel goes last on the same key, hence the same partition:
 * once the reader has it, it has every dead letter before it.
 */
let readers = 0;

async function deadLetters(bus: EventBus): Promise<DeliveredMessage[]> {
  const sentinel = { key: 'u-1', value: 'sentinel' };
  await bus.publish(USER_EVENTS_DLQ_TOPIC, [sentinel]);
  const dead: DeliveredMessage[] = [];
  const reader = await bus.subscribe({
    topic: USER_EVENTS_DLQ_TOPIC,
    groupId: `dlq-reader-${(readers += 1)}`,
    fromBeginning: true,
    handleBatch: async (batch) => {
      dead.push(...batch.messages);
    },
  });
  await waitFor(() => dead.some((m) => m.value === sentinel.value), {
    description: 'the DLQ sentinel',
  });
  await reader.stop();
  return dead.filter((m) => m.value !== sentinel.value);
}

describe('consumeUserEvents', () => {
  describe('when the topic holds valid and invalid messages', () => {
    it('dead-letters the invalid ones with a reason and hands the valid ones over in order', async () => {
      await withBus(async (bus) => {
        const ratingOutOfRange = JSON.stringify({ ...view('e-bad'), type: 'rating', value: 9 });
        await bus.publish(USER_EVENTS_TOPIC, [
          userEventMessage(view('e-1')),
          { key: 'u-1', value: '{not json' },
          { key: 'u-1', value: ratingOutOfRange },
          userEventMessage(view('e-2')),
        ]);
        const handled: ConsumedEvent[] = [];
        const consumer = await consumeUserEvents({
          bus,
          groupId: 'profiles',
          logger: silentLogger(),
          fromBeginning: true,
          handle: async (events) => {
            handled.push(...events);
          },
        });
        await waitFor(() => handled.length === 2, { description: 'the two valid events' });
        await consumer.stop();
        const dead = await deadLetters(bus);

        assert.deepEqual(
          handled.map((c) => c.event.eventId),
          ['e-1', 'e-2'],
        );
        assert.ok(BigInt(handled[0]!.offset) < BigInt(handled[1]!.offset));
        assert.deepEqual(
          dead.map((m) => m.value),
          ['{not json', ratingOutOfRange],
        );
        assert.match(dead[0]!.headers[HEADER_DLQ_REASON] ?? '', /value is not JSON/);
        assert.match(dead[1]!.headers[HEADER_DLQ_REASON] ?? '', /^value: rating value must be/);
        assert.match(dead[0]!.headers[HEADER_DLQ_ORIGIN] ?? '', /^user-events\/\d+\/1$/);
        assert.equal(dead[1]!.key, 'u-1');
      });
    });
  });

  describe('when the handler fails and the batch comes again', () => {
    it('dead-letters each invalid message once, not once per attempt', async () => {
      await withBus(async (bus) => {
        await bus.publish(USER_EVENTS_TOPIC, [
          { key: 'u-1', value: '{not json' },
          userEventMessage(view('e-1')),
        ]);
        const failures = 3;
        let attempts = 0;
        const consumer = await consumeUserEvents({
          bus,
          groupId: 'profiles',
          logger: silentLogger(),
          fromBeginning: true,
          handle: async () => {
            attempts += 1;
            if (attempts <= failures) throw new Error('store down');
          },
        });
        await waitFor(() => attempts > failures, { description: 'the handler to succeed' });
        await consumer.stop();
        assert.deepEqual(
          (await deadLetters(bus)).map((m) => m.value),
          ['{not json'],
        );
      });
    });
  });

  describe('when the handler can never apply one event of a batch', () => {
    it('applies the others, dead-letters that one with the reason, and moves on', async () => {
      await withBus(async (bus) => {
        await bus.publish(
          USER_EVENTS_TOPIC,
          ['e-1', 'poison', 'e-3'].map((id) => userEventMessage(view(id))),
        );
        const applied = new Set<string>();
        const consumer = await consumeUserEvents({
          bus,
          groupId: 'profiles',
          logger: silentLogger(),
          fromBeginning: true,
          handle: async (events) => {
            if (events.some((c) => c.event.eventId === 'poison')) {
              throw new TailorError('item sku-1 breaks an invariant', { retriable: false });
            }
            for (const c of events) applied.add(c.event.eventId);
          },
        });
        await waitFor(() => applied.size === 2, { description: 'the two good events' });
        await consumer.stop();
        const dead = await deadLetters(bus);

        assert.deepEqual([...applied].sort(), ['e-1', 'e-3']);
        assert.equal(dead.length, 1);
        assert.equal((JSON.parse(dead[0]!.value) as UserEvent).eventId, 'poison');
        assert.match(dead[0]!.headers[HEADER_DLQ_REASON] ?? '', /breaks an invariant/);
        assert.match(dead[0]!.headers[HEADER_DLQ_ORIGIN] ?? '', /^user-events\/\d+\/1$/);
      });
    });
  });

  describe('when the handler refuses every event of a batch as never applicable', () => {
    it('dead-letters nothing and gets the batch again (a wrong setting, not bad events)', async () => {
      await withBus(async (bus) => {
        await bus.publish(USER_EVENTS_TOPIC, [userEventMessage(view('e-1'))]);
        let attempts = 0;
        let fixed = false;
        const applied: string[] = [];
        const consumer = await consumeUserEvents({
          bus,
          groupId: 'profiles',
          logger: silentLogger(),
          fromBeginning: true,
          handle: async (events) => {
            attempts += 1;
            if (!fixed) throw new TailorError('vectors of the wrong size', { retriable: false });
            applied.push(...events.map((c) => c.event.eventId));
          },
        });
        await waitFor(() => attempts >= 6, { description: 'several attempts' });
        fixed = true;
        await waitFor(() => applied.length === 1, { description: 'the event, once fixed' });
        await consumer.stop();

        assert.deepEqual(await deadLetters(bus), []);
        assert.deepEqual(applied, ['e-1']);
      });
    });
  });
});
