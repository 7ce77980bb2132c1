import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';

import {
  dockerEngineAnswers,
  kafkaForTests,
  llmForTests,
  localLlmForTests,
  qdrantForTests,
} from './servers.js';

describe('test servers', () => {
  describe('when the environment names a server', () => {
    it('uses it without asking Docker', async () => {
      const kafka = await kafkaForTests({ KAFKA_BROKERS: ' 127.0.0.1:9092, 127.0.0.1:9093 ' });
      assert.deepEqual(kafka.available && kafka.address, ['127.0.0.1:9092', '127.0.0.1:9093']);
      const qdrant = await qdrantForTests({ QDRANT_URL: 'http://127.0.0.1:6333' });
      assert.equal(qdrant.available && qdrant.address, 'http://127.0.0.1:6333');
      const llm = await llmForTests({ LLM_BASE_URL: 'http://127.0.0.1:8080/v1', LLM_MODEL: 'm' });
      assert.deepEqual(llm.available && llm.address, {
        baseUrl: 'http://127.0.0.1:8080/v1',
        model: 'm',
      });
    });
  });

  describe('when nothing is configured and no Docker engine answers', () => {
    it('gives a skip reason naming the variable to set', async () => {
      const env = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
      const kafka = await kafkaForTests(env);
      const qdrant = await qdrantForTests(env);
      assert.match(kafka.available ? '' : kafka.skip, /KAFKA_BROKERS is not set/);
      assert.match(qdrant.available ? '' : qdrant.skip, /QDRANT_URL is not set/);
      const llm = await llmForTests(env);
      assert.match(llm.available ? '' : llm.skip, /LLM_BASE_URL and LLM_MODEL are not set/);
      const local = localLlmForTests({ LLM_CACHE_DIR: '/nonexistent/llm' });
      assert.match(
        local.available ? '' : local.skip,
        /\/nonexistent\/llm\/venv\/bin\/python and .* missing \(run infra\/llm\/install.sh/,
      );
    });
  });

  describe('when nothing is configured in CI', () => {
    it('fails instead of skipping, naming the variable', async () => {
      const env = { CI: 'true', DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
      await assert.rejects(kafkaForTests(env), /CI=true and KAFKA_BROKERS is not set/);
      await assert.rejects(qdrantForTests(env), /CI=true and QDRANT_URL is not set/);
      await assert.rejects(llmForTests(env), /CI=true and LLM_BASE_URL and LLM_MODEL are not set/);
      assert.throws(
        () => localLlmForTests({ ...env, LLM_CACHE_DIR: '/nonexistent/llm' }),
        /CI=true and .* missing/,
      );
    });
  });

  describe('dockerEngineAnswers', () => {
    it('is true only when /_ping answers 200', async () => {
      let status = 200;
      const server = createServer((req, res) => {
        res.statusCode = req.url === '/_ping' ? status : 404;
        res.end('OK');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      try {
        const env = { DOCKER_HOST: `tcp://127.0.0.1:${port}` };
        assert.equal(await dockerEngineAnswers(env), true);
        status = 500;
        assert.equal(await dockerEngineAnswers(env), false);
      } finally {
        server.close();
      }
      assert.equal(await dockerEngineAnswers({ DOCKER_HOST: 'tcp://127.0.0.1:1' }), false);
    });
  });
});
