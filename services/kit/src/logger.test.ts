import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createLogger } from './logger.js';

describe('createLogger', () => {
  const capture = () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      name: 'logger-test',
      destination: { write: (line: string) => lines.push(JSON.parse(line) as never) },
    });
    return { logger, lines };
  };

  it("writes each line's own fields, and only those, with tracing off", () => {
    const { logger, lines } = capture();
    logger.info({ topics: ['user-events'] }, 'bus open');
    logger.info({ partition: 3 }, 'partition assigned');
    assert.deepEqual(lines[0]?.topics, ['user-events']);
    assert.equal(lines[1]?.partition, 3);
    assert.equal('topics' in lines[1]!, false, JSON.stringify(lines[1]));
    assert.equal(lines[0]?.service, 'logger-test');
  });

  it('redacts credentials by path', () => {
    const { logger, lines } = capture();
    logger.info({ req: { headers: { authorization: 'Bearer secret' } } }, 'request');
    assert.deepEqual(lines[0]?.req, { headers: { authorization: '[redacted]' } });
  });
});
