import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

import { createEmbeddedEventBus, createEmbeddedVectorStore } from '../adapters/embedded/index.js';
import { USER_EVENTS_DLQ_TOPIC, type UserEvent } from '../contract/user-event.js';
import {
  type ConsumedEvent,
  consumeUserEvents,
  publishUserEvents,
} from '../contract/user-event-bus.js';
import { silentLogger } from '../logger.js';
import type { DeliveredMessage, EventBus, Subscription } from '../ports/event-bus.js';
import { waitFor } from '../testing/index.js';
import { openSealed, seal, sealedSubject } from './sealed.js';
import { createUserKeyVault, type UserKeyVault } from './user-keys.js';

/** Every byte of every file under `dir`, as one latin1 string to search for plaintext. */
function everyFile(dir: string): string {
  const parts: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      parts.push(fs.readFileSync(path.join(entry.parentPath, entry.name), 'latin1'));
  }
  return parts.join('\n');
}

async function withVault(
  run: (
    vault: UserKeyVault,
    dataDir: string,
    store: Awaited<ReturnType<typeof createEmbeddedVectorStore>>,
  ) => Promise<void>,
): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-vault-'));
  const store = await createEmbeddedVectorStore({ dataDir, logger: silentLogger() });
  try {
    await run(
      await createUserKeyVault({ store, pseudonymSecret: 'a test secret of length' }),
      dataDir,
      store,
    );
  } finally {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Collects what reaches the DLQ, as an operator's reader would. */
function readDeadLetters(bus: EventBus, into: DeliveredMessage[]): Promise<Subscription> {
  return bus.subscribe({
    topic: USER_EVENTS_DLQ_TOPIC,
    groupId: 'dlq-reader',
    fromBeginning: true,
    handleBatch: async (batch) => {
      into.push(...batch.messages);
    },
  });
}

describe('seal', () => {
  const key = Buffer.alloc(32, 7);

  it('opens with the key it was sealed with and names its subject', () => {
    const sealed = seal('{"userId":"alice"}', 'subject-1', key);
    assert.equal(sealedSubject(sealed), 'subject-1');
    assert.equal(openSealed(sealed, key), '{"userId":"alice"}');
    assert.doesNotMatch(sealed, /alice/);
  });

  it('refuses another key and an altered subject', () => {
    const sealed = seal('{"userId":"alice"}', 'subject-1', key);
    assert.throws(() => openSealed(sealed, Buffer.alloc(32, 8)));
    assert.throws(() => openSealed(sealed.replace('subject-1', 'subject-2'), key));
  });

  it('is not mistaken for a plain event', () => {
    assert.equal(sealedSubject('{"eventId":"e-1","userId":"u"}'), undefined);
  });
});

describe('createUserKeyVault', () => {
  describe('when a user is new', () => {
    it('creates one key and gives it back on every later call', async () => {
      await withVault(async (vault) => {
        const first = (await vault.keysForWriting(['alice'])).get('alice');
        const again = (await vault.keysForWriting(['alice', 'bob'])).get('alice');
        assert.ok(first !== undefined && again !== undefined);
        assert.deepEqual(again.key, first.key);
        assert.equal(first.subject, vault.subjectOf('alice'));
        assert.doesNotMatch(first.subject, /alice/);
      });
    });
  });

  describe('when a user is forgotten', () => {
    it('deletes the key from the disk too, and a later event gets a new one', async () => {
      await withVault(async (vault, dataDir) => {
        const before = (await vault.keysForWriting(['alice'])).get('alice')!;
        assert.ok(everyFile(dataDir).includes(before.key.toString('base64')));
        assert.equal(await vault.forget('alice'), true);
        assert.equal((await vault.keysForReading([before.subject])).size, 0);
        assert.ok(!everyFile(dataDir).includes(before.key.toString('base64')));
        const after = (await vault.keysForWriting(['alice'])).get('alice')!;
        assert.notDeepEqual(after.key, before.key);
        assert.equal(await vault.forget('nobody'), false);
      });
    });
  });
});

describe('sealed user events on the bus', () => {
  function view(eventId: string, userId: string): UserEvent {
    return { eventId, userId, itemId: 'sku-secret-1', type: 'view', timestamp: Date.now() };
  }

  it('carry no user id or event in the clear, and a forgotten user is skipped, not dead-lettered', async () => {
    await withVault(async (vault, dataDir, _store) => {
      const bus = await createEmbeddedEventBus({ dataDir, logger: silentLogger() });
      try {
        await publishUserEvents(bus, [view('evt-alice-1', 'alice-plain-id')], { vault });
        await vault.forget('alice-plain-id');
        await publishUserEvents(bus, [view('evt-bob-1', 'bob-plain-id')], { vault });
        const files = everyFile(dataDir);
        for (const secret of ['alice-plain-id', 'bob-plain-id', 'evt-alice-1', 'sku-secret-1']) {
          assert.ok(!files.includes(secret), `${secret} is in the clear under DATA_DIR`);
        }

        const consumed: ConsumedEvent[] = [];
        const dead: DeliveredMessage[] = [];
        const subscriptions = [
          await consumeUserEvents({
            bus,
            groupId: 'reader',
            logger: silentLogger(),
            fromBeginning: true,
            vault,
            handle: async (events) => {
              consumed.push(...events);
            },
          }),
          await readDeadLetters(bus, dead),
        ];
        await waitFor(async () => consumed.length === 1, { description: "bob's event" });
        for (const s of subscriptions) await s.stop();
        assert.deepEqual(
          consumed.map((c) => [c.event.userId, c.subject]),
          [['bob-plain-id', vault.subjectOf('bob-plain-id')]],
        );
        assert.equal(dead.length, 0);
      } finally {
        await bus.close();
      }
    });
  });

  it('go to the DLQ when the consumer has no vault to open them', async () => {
    await withVault(async (vault, dataDir) => {
      const bus = await createEmbeddedEventBus({ dataDir, logger: silentLogger() });
      try {
        await publishUserEvents(bus, [view('evt-1', 'carol')], { vault });
        const dead: DeliveredMessage[] = [];
        const subscriptions = [
          await consumeUserEvents({
            bus,
            groupId: 'no-vault',
            logger: silentLogger(),
            fromBeginning: true,
            handle: async () => undefined,
          }),
          await readDeadLetters(bus, dead),
        ];
        await waitFor(async () => dead.length === 1, {
          description: 'the sealed event on the DLQ',
        });
        for (const s of subscriptions) await s.stop();
        assert.equal(dead[0]?.topic, USER_EVENTS_DLQ_TOPIC);
        assert.match(dead[0]?.headers['dlq-reason'] ?? '', /no key vault/);
      } finally {
        await bus.close();
      }
    });
  });
});
