import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ConfigError, loadConfig } from '@tailor/kit';
import { z } from 'zod';

import { generationEnvShape, llmLimits } from './config.js';
import { DEFAULT_REWARD_WEIGHTS } from './domain/loop/rewards.js';

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

  describe('when GENERATION_PROVIDER=local', () => {
    it('writes one answer at a time with a 60 s timeout unless told otherwise', () => {
      const local = loadConfig(schema, { GENERATION_PROVIDER: 'local' });
      assert.deepEqual(llmLimits(local), { timeoutMs: 60_000, concurrency: 1 });
      assert.equal(local.GENERATION_LOCAL_THREADS, 1);
      assert.match(local.GENERATION_LOCAL_MODEL_PATH, /SmolLM2-135M-Instruct\.Q4_1\.gguf$/);
      const told = loadConfig(schema, {
        GENERATION_PROVIDER: 'local',
        GENERATION_TIMEOUT_MS: '9000',
        GENERATION_CONCURRENCY: '2',
      });
      assert.deepEqual(llmLimits(told), { timeoutMs: 9_000, concurrency: 2 });
      assert.deepEqual(llmLimits(loadConfig(schema, {})), { timeoutMs: 8_000, concurrency: 4 });
    });
  });

  describe('the variants and the bandit', () => {
    it('are on by default, with the domain defaults', () => {
      const config = loadConfig(schema, {});
      assert.equal(config.GENERATION_VARIANTS, true);
      assert.equal(config.GENERATION_BANDIT_MIN_ARM_PROBABILITY, 0.02);
      assert.equal(config.GENERATION_BANDIT_SEED, undefined);
      assert.deepEqual(config.GENERATION_REWARD_WEIGHTS, DEFAULT_REWARD_WEIGHTS);
    });

    it('read reward weights per event type', () => {
      const config = loadConfig(schema, { GENERATION_REWARD_WEIGHTS: 'click=0.2, purchase=1' });
      assert.deepEqual(config.GENERATION_REWARD_WEIGHTS, { click: 0.2, purchase: 1 });
    });

    for (const bad of ['click=2', 'clack=0.5', 'click', 'click=0.5=1', 'click=']) {
      it(`refuse GENERATION_REWARD_WEIGHTS=${bad}, naming the variable and the form`, () => {
        assert.throws(
          () => loadConfig(schema, { GENERATION_REWARD_WEIGHTS: bad }),
          (err: unknown) =>
            err instanceof ConfigError &&
            err.issues.some(
              (issue) =>
                issue.variable === 'GENERATION_REWARD_WEIGHTS' && /type=weight/.test(issue.problem),
            ),
        );
      });
    }

    it('refuse a floor above one half', () => {
      assert.throws(
        () => loadConfig(schema, { GENERATION_BANDIT_MIN_ARM_PROBABILITY: '0.6' }),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.issues.some((issue) => issue.variable === 'GENERATION_BANDIT_MIN_ARM_PROBABILITY'),
      );
    });
  });
});
