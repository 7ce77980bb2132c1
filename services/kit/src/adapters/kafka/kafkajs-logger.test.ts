import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';

import { logLevel } from 'kafkajs';
import { pino } from 'pino';

import { kafkajsLogCreator } from './kafkajs-logger.js';

function capture(): {
  lines: Record<string, unknown>[];
  write: ReturnType<ReturnType<typeof kafkajsLogCreator>>;
} {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level: 'debug' }, destination);
  return { lines, write: kafkajsLogCreator(logger)(logLevel.DEBUG) };
}

const entry = (namespace: string, level: logLevel, extra: Record<string, unknown> = {}) => ({
  namespace,
  level,
  label: 'X',
  log: { timestamp: '2024-01-01T00:00:00.000Z', logger: 'kafkajs', message: 'something', ...extra },
});

describe('kafkajsLogCreator', () => {
  describe('when kafkajs logs an entry', () => {
    it('writes it at the same level with its fields and namespace', async () => {
      const { lines, write } = capture();
      write(entry('Consumer', logLevel.ERROR, { groupId: 'g', error: 'boom' }));
      write(entry('Producer', logLevel.WARN));
      write(entry('Admin', logLevel.INFO));
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(
        lines.map((l) => [l.level, l.namespace, l.msg]),
        [
          [50, 'Consumer', 'something'],
          [40, 'Producer', 'something'],
          [30, 'Admin', 'something'],
        ],
      );
      assert.equal(lines[0]?.groupId, 'g');
      assert.equal(lines[0]?.error, 'boom');
      assert.equal(lines[0]?.logger, undefined, 'kafkajs logger name is dropped');
      assert.equal(lines[0]?.timestamp, undefined, 'kafkajs timestamp is dropped');
    });
  });

  describe('when the connection layer logs an error response', () => {
    it('writes a warning, since kafkajs retries it', async () => {
      const { lines, write } = capture();
      write(entry('Connection', logLevel.ERROR, { broker: '127.0.0.1:9092' }));
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(lines[0]?.level, 40);
      assert.equal(lines[0]?.broker, '127.0.0.1:9092');
    });
  });
});
