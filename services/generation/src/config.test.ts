import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ConfigError, loadConfig } from '@tailor/kit';
import { z } from 'zod';

import { generationEnvShape } from './config.js';

const schema = z.object(generationEnvShape);

describe('generationEnvShape', () => {
  describe('when nothing is set', () => {
    it('runs the template writer on port 4005 with thumbnails under DATA_DIR', () => {
      const config = loadConfig(schema, {});
      assert.equal(config.GENERATION_PORT, 4005);
      assert.equal(config.GENERATION_PROVIDER, 'template');
      assert.equal(config.GENERATION_STRUCTURED_OUTPUT, 'json_schema');
      assert.equal(config.DATA_DIR, '.data');
      assert.equal(config.GENERATION_THUMBNAIL_DIR, undefined);
      assert.equal(config.OPENAI_API_KEY, undefined);
    });
  });

  describe('when an OpenAI-compatible server is configured', () => {
    it('reads its address, model and limits', () => {
      const config = loadConfig(schema, {
        GENERATION_PROVIDER: 'openai',
        OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
        OPENAI_MODEL: 'llama3.2',
        GENERATION_TIMEOUT_MS: '1500',
        GENERATION_CONCURRENCY: '2',
        OPENAI_API_KEY: '  ',
      });
      assert.equal(config.OPENAI_BASE_URL, 'http://127.0.0.1:11434/v1');
      assert.equal(config.OPENAI_MODEL, 'llama3.2');
      assert.equal(config.GENERATION_TIMEOUT_MS, 1500);
      assert.equal(config.GENERATION_CONCURRENCY, 2);
      assert.equal(config.OPENAI_API_KEY, undefined);
    });
  });

  describe('when values are wrong', () => {
    it('names every bad variable', () => {
      assert.throws(
        () =>
          loadConfig(schema, {
            GENERATION_PROVIDER: 'gpt',
            OPENAI_BASE_URL: 'not a url',
            GENERATION_CONCURRENCY: '0',
          }),
        (err: unknown) =>
          err instanceof ConfigError &&
          ['GENERATION_PROVIDER', 'OPENAI_BASE_URL', 'GENERATION_CONCURRENCY'].every((v) =>
            err.issues.some((issue) => issue.variable === v),
          ),
      );
    });
  });
});
