import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';

import { fnv1a32 } from '../../../hash.js';
import { createLogger, type Logger, silentLogger } from '../../../logger.js';
import type { EventBus } from '../../../ports/event-bus.js';
import {
  describeEventBusConformance,
  reopenable,
  tempDirs,
  waitFor,
} from '../../../testing/index.js';
import { createEmbeddedEventBus, partitionOf } from './embedded-event-bus.js';

describeEventBusConformance('embedded', async () => {
  const { first, reopen, cleanup } = await reopenable((dataDir) =>
    createEmbeddedEventBus({
      dataDir,
      logger: silentLogger(),
      partitions: 4,
      retryInitialDelayMs: 5,
      retryMaxDelayMs: 20,
    }),
  );
  return { bus: first, reopen, cleanup };
});

const tempDir = tempDirs();

/** A logger whose lines a test can read. */
function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    name: 'test',
    level: 'warn',
    destination: {
      write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>),
    },
  });
  return { logger, lines };
}

describe('createEmbeddedEventBus', () => {
  let dataDir: string;
  let bus: EventBus;

  beforeEach(async () => {
    dataDir = tempDir();
    bus = await createEmbeddedEventBus({ dataDir, logger: silentLogger(), partitions: 2 });
  });

  afterEach(async () => {
    await bus.close();
  });

  describe('when messages are published and consumed', () => {
    it('keeps one JSON-lines log per partition and one offsets file per group', async () => {
      await bus.publish('orders', [
        { key: 'a', value: 'one', headers: { h: '1' } },
        { key: 'a', value: 'two' },
      ]);
      const partition = partitionOf('a', 2);
      const logFile = path.join(dataDir, 'bus', 'topics', 'orders', `${partition}.log`);
      const lines = fs.readFileSync(logFile, 'utf8').trim().split('\n');
      assert.equal(lines.length, 2);
      const first = JSON.parse(lines[0]!) as Record<string, unknown>;
      assert.equal(first.o, 0);
      assert.equal(first.k, 'a');
      assert.equal(first.v, 'one');
      assert.deepEqual(first.h, { h: '1' });

      const seen: string[] = [];
      const sub = await bus.subscribe({
        topic: 'orders',
        groupId: 'billing/v1',
        fromBeginning: true,
        handleBatch: async (batch) => {
          seen.push(...batch.messages.map((m) => m.value));
        },
      });
      await waitFor(() => seen.length === 2, { description: 'both messages' });
      await sub.stop();
      const offsetsDir = path.join(dataDir, 'bus', 'offsets');
      const offsets = JSON.parse(
        fs.readFileSync(path.join(offsetsDir, `${encodeURIComponent('billing/v1')}.json`), 'utf8'),
      ) as Record<string, Record<string, number>>;
      assert.deepEqual(offsets, { orders: { [String(partition)]: 2 } });
      assert.deepEqual(
        fs.readdirSync(offsetsDir).filter((f) => f.endsWith('.tmp')),
        [],
        'no temporary file is left behind',
      );
    });

    it('shares partitions between members of one group, each message handled once', async () => {
      await bus.ensureTopics([{ name: 'shared', partitions: 4 }]);
      const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
      const byMember: string[][] = [[], []];
      const subs = await Promise.all(
        byMember.map((list) =>
          bus.subscribe({
            topic: 'shared',
            groupId: 'workers',
            fromBeginning: true,
            handleBatch: async (batch) => {
              list.push(...batch.messages.map((m) => m.value));
            },
          }),
        ),
      );
      await bus.publish(
        'shared',
        keys.map((key) => ({ key, value: key })),
      );
      await waitFor(() => byMember[0]!.length + byMember[1]!.length === keys.length, {
        description: 'every message',
      });
      for (const sub of subs) await sub.stop();
      assert.ok(byMember[0]!.length > 0 && byMember[1]!.length > 0, 'both members got work');
      assert.deepEqual([...byMember[0]!, ...byMember[1]!].sort(), [...keys].sort());
    });

    it('refuses invalid topic names', async () => {
      await assert.rejects(
        bus.publish('../escape', [{ key: 'k', value: 'v' }]),
        /Invalid topic name/,
      );
      await assert.rejects(bus.ensureTopics([{ name: 'has space' }]), /Invalid topic name/);
    });

    it('refuses work after close', async () => {
      await bus.close();
      await assert.rejects(bus.publish('t', [{ key: 'k', value: 'v' }]), /closed/);
    });
  });

  describe('when a handler keeps failing', () => {
    it('logs a warning with the error and stops without waiting out the backoff', async () => {
      const { logger, lines } = capturingLogger();
      const slow = await createEmbeddedEventBus({
        dataDir: tempDir(),
        logger,
        retryInitialDelayMs: 600_000,
        retryMaxDelayMs: 600_000,
      });
      try {
        await slow.publish('t', [{ key: 'k', value: 'v' }]);
        let attempts = 0;
        const sub = await slow.subscribe({
          topic: 't',
          groupId: 'g',
          fromBeginning: true,
          handleBatch: () => {
            attempts += 1;
            throw new Error('handler broke');
          },
        });
        await waitFor(() => lines.length > 0, { description: 'the warning' });
        await sub.stop();
        assert.equal(attempts, 1);
        const warning = lines[0]!;
        assert.equal(warning.level, 40);
        assert.equal((warning.err as { message: string }).message, 'handler broke');
        assert.equal(warning.topic, 't');
        assert.equal(warning.groupId, 'g');
      } finally {
        await slow.close();
      }
    });
  });

  describe('when the log was torn by a crash', () => {
    it('cuts off the torn record and keeps appending after the last whole one', async () => {
      await bus.publish('t', [{ key: 'k', value: 'kept' }]);
      await bus.close();
      const logFile = path.join(dataDir, 'bus', 'topics', 't', `${partitionOf('k', 2)}.log`);
      fs.appendFileSync(logFile, '{"o":1,"t":1,"k":"k","v":"to');

      bus = await createEmbeddedEventBus({ dataDir, logger: silentLogger(), partitions: 2 });
      await bus.publish('t', [{ key: 'k', value: 'next' }]);
      const seen: string[] = [];
      const sub = await bus.subscribe({
        topic: 't',
        groupId: 'g',
        fromBeginning: true,
        handleBatch: async (batch) => {
          seen.push(...batch.messages.map((m) => `${m.offset}:${m.value}`));
        },
      });
      await waitFor(() => seen.length === 2, { description: 'both whole records' });
      await sub.stop();
      assert.deepEqual(seen, ['0:kept', '1:next']);
    });

    it('refuses to open a log corrupted in the middle, naming the file', async () => {
      await bus.publish('t', [{ key: 'k', value: 'a' }]);
      await bus.close();
      const logFile = path.join(dataDir, 'bus', 'topics', 't', `${partitionOf('k', 2)}.log`);
      fs.writeFileSync(logFile, `garbage\n${fs.readFileSync(logFile, 'utf8')}`);
      await assert.rejects(
        createEmbeddedEventBus({ dataDir, logger: silentLogger() }),
        (err: Error) => err.message.includes(logFile),
      );
      bus = await createEmbeddedEventBus({ dataDir: tempDir(), logger: silentLogger() });
    });
  });

  describe('when options are out of range', () => {
    it('names the option', async () => {
      await assert.rejects(
        createEmbeddedEventBus({ dataDir, logger: silentLogger(), partitions: 0 }),
        /partitions must be a whole number/,
      );
      await assert.rejects(
        createEmbeddedEventBus({
          dataDir,
          logger: silentLogger(),
          retryInitialDelayMs: 100,
          retryMaxDelayMs: 10,
        }),
        /retryMaxDelayMs/,
      );
    });
  });
});

describe('partitionOf', () => {
  it('gives a key the same partition every time, within range', () => {
    for (const key of ['a', 'user-1', 'ünï', '']) {
      const p = partitionOf(key, 7);
      assert.ok(p >= 0 && p < 7);
      assert.equal(partitionOf(key, 7), p);
    }
    assert.equal(partitionOf('user-1', 4), fnv1a32('user-1') % 4);
  });
});

/** FNV-1a of the UTF-8 bytes C3 A9 and F0 9F 99 82, computed independently. */
const HASH_E_ACUTE = 0x1e9de8c1;
const HASH_SMILEY = 0x57a37a4b;

describe('fnv1a32', () => {
  it('matches the published FNV-1a test vectors over UTF-8', () => {
    assert.equal(fnv1a32(''), 0x811c9dc5);
    assert.equal(fnv1a32('a'), 0xe40c292c);
    assert.equal(fnv1a32('foobar'), 0xbf9cf968);
    assert.equal(fnv1a32('é'), HASH_E_ACUTE);
    assert.equal(fnv1a32('🙂'), HASH_SMILEY);
  });
});
