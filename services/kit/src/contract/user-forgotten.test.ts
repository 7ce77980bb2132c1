import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

import { createEmbeddedEventBus } from '../adapters/embedded/index.js';
import { silentLogger } from '../logger.js';
import { waitFor } from '../testing/index.js';
import {
  consumeUserForgotten,
  publishUserForgotten,
  USER_FORGOTTEN_TOPIC,
  type UserForgottenNotice,
} from './user-forgotten.js';

describe('forget notices', () => {
  describe('when a notice and messages that are not notices are on the topic', () => {
    it('hands over the notices and skips the rest', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-'));
      const bus = await createEmbeddedEventBus({ dataDir, logger: silentLogger() });
      try {
        await bus.ensureTopics([{ name: USER_FORGOTTEN_TOPIC }]);
        const at = new Date('2026-12-07T18:00:00.000Z');
        await publishUserForgotten(bus, 'subject-a', at);
        await bus.publish(USER_FORGOTTEN_TOPIC, [
          { key: 'x', value: 'not json' },
          { key: 'y', value: JSON.stringify({ subject: '', forgottenAt: at.toISOString() }) },
          { key: 'z', value: JSON.stringify({ subject: 'subject-z', forgottenAt: 'yesterday' }) },
        ]);
        await publishUserForgotten(bus, 'subject-b', at);
        const notices: UserForgottenNotice[] = [];
        const subscription = await consumeUserForgotten({
          bus,
          groupId: 'reader',
          logger: silentLogger(),
          handle: (batch) => notices.push(...batch),
        });
        try {
          await waitFor(() => notices.length >= 2, { description: 'both notices' });
        } finally {
          await subscription.stop();
        }
        // Two subjects, so maybe two partitions: no order between them.
        notices.sort((a, b) => a.subject.localeCompare(b.subject));
        assert.deepEqual(notices, [
          { subject: 'subject-a', forgottenAt: at.toISOString() },
          { subject: 'subject-b', forgottenAt: at.toISOString() },
        ]);
      } finally {
        await bus.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
});
