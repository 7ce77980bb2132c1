import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ConfigError, loadConfig } from '@tailor/kit';
import { z } from 'zod';

import { eventsEnvShape } from './config.js';

const schema = z.object(eventsEnvShape);

describe('eventsEnvShape', () => {
  describe('when nothing is set', () => {
    it('uses the documented defaults', () => {
      assert.deepEqual(loadConfig(schema, {}), {
        EVENTS_PORT: 4002,
        EVENTS_MAX_BATCH_SIZE: 500,
        EVENTS_MAX_BODY_BYTES: 2_097_152,
        EVENTS_CORS_ORIGINS: [],
        EVENTS_MAX_UPDATER_LAG_EVENTS: 10_000,
        EVENTS_UPDATER_GROUP: 'profiles',
        EVENTS_LAG_CHECK_INTERVAL_MS: 500,
        EVENTS_BACKLOG_RETRY_AFTER_SECONDS: 1,
      });
    });
  });

  describe('when CORS origins are set', () => {
    it('splits the comma list and trims it', () => {
      const config = loadConfig(schema, {
        EVENTS_CORS_ORIGINS: 'https://shop.example.com, http://localhost:5173,',
      });
      assert.deepEqual(config.EVENTS_CORS_ORIGINS, [
        'https://shop.example.com',
        'http://localhost:5173',
      ]);
    });

    it('refuses an entry that is not an origin, naming the variable', () => {
      assert.throws(
        () => loadConfig(schema, { EVENTS_CORS_ORIGINS: 'https://shop.example.com/path' }),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.issues.some((i) => i.variable === 'EVENTS_CORS_ORIGINS'),
      );
    });
  });

  describe('when a limit is out of range', () => {
    it('refuses it, naming the variable', () => {
      assert.throws(
        () => loadConfig(schema, { EVENTS_MAX_BATCH_SIZE: '0' }),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.issues.some((i) => i.variable === 'EVENTS_MAX_BATCH_SIZE'),
      );
    });
  });
});
