import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { VectorStore } from '@tailor/kit';
import { ConfigError, createEmbeddedVectorStore, loadConfig, silentLogger } from '@tailor/kit';
import { localLlmForTests } from '@tailor/kit/testing';
import { z } from 'zod';

import { generationEnvShape } from './config.js';
import { type RunningGeneration, startGeneration } from './subgraph.js';

/*
 * GENERATION_PROVIDER=local: the service starts llama.cpp's server itself (the venv and model
 * infra/llm/install.sh makes), writes with it, and stops it on close. The real server runs
 * where the install is found, and must in CI; the missing-install errors run everywhere.
 */

const install = localLlmForTests();
const skip = install.available ? undefined : install.skip;

function start(dataDir: string, store: VectorStore, env: Record<string, string>) {
  return startGeneration({
    config: loadConfig(z.object(generationEnvShape), {
      DATA_DIR: dataDir,
      GENERATION_PROVIDER: 'local',
      ...env,
    }),
    logger: silentLogger(),
    store,
    host: '127.0.0.1',
    port: 0,
  });
}

/** Whether a process with this pid is still there. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('generation with GENERATION_PROVIDER=local', () => {
  let dataDir: string;
  let store: VectorStore;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tailor-local-llm-'));
    store = await createEmbeddedVectorStore({ dataDir, logger: silentLogger() });
  });
  after(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('when the model file is missing', () => {
    it('refuses to start, naming GENERATION_LOCAL_MODEL_PATH and the install script', async () => {
      await assert.rejects(
        start(dataDir, store, { GENERATION_LOCAL_MODEL_PATH: join(dataDir, 'none.gguf') }),
        (err: unknown) =>
          err instanceof ConfigError &&
          /^GENERATION_LOCAL_MODEL_PATH=.*none\.gguf is not a file: run `bash infra\/llm\/install.sh`/.test(
            err.message,
          ),
      );
    });
  });

  describe('when the venv is missing', () => {
    it('refuses to start, naming GENERATION_LOCAL_VENV', async () => {
      const model = join(dataDir, 'model.gguf');
      writeFileSync(model, 'not a model');
      await assert.rejects(
        start(dataDir, store, {
          GENERATION_LOCAL_MODEL_PATH: model,
          GENERATION_LOCAL_VENV: join(dataDir, 'no-venv'),
        }),
        (err: unknown) =>
          err instanceof ConfigError &&
          /^GENERATION_LOCAL_VENV=.*no-venv has no bin\/python: run `bash infra\/llm\/install.sh`/.test(
            err.message,
          ),
      );
    });
  });

  describe('when the model is not a model', () => {
    it(
      "fails to start, naming both settings and quoting the server's last lines",
      {
        skip,
        timeout: 120_000,
      },
      async () => {
        if (!install.available) return;
        const model = join(dataDir, 'broken.gguf');
        writeFileSync(model, 'not a model');
        await assert.rejects(
          start(dataDir, store, {
            GENERATION_LOCAL_MODEL_PATH: model,
            GENERATION_LOCAL_VENV: install.address.venvDir,
          }),
          /the llama\.cpp server \(GENERATION_LOCAL_VENV=.*, GENERATION_LOCAL_MODEL_PATH=.*broken\.gguf\) exited during start-up; its last lines:\n\S/,
        );
      },
    );
  });

  describe('when the venv and the model are installed', () => {
    let generation: RunningGeneration | undefined;

    after(async () => {
      await generation?.close();
    });

    it(
      'starts its own server on loopback, writes with it, and stops it on close',
      {
        skip,
        timeout: 180_000,
      },
      async () => {
        if (!install.available) return;
        generation = await start(dataDir, store, {
          GENERATION_LOCAL_MODEL_PATH: install.address.modelPath,
          GENERATION_LOCAL_VENV: install.address.venvDir,
        });
        const local = generation.localLlm;
        assert.ok(local !== undefined, 'no local server reported');
        assert.match(local.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
        assert.ok(alive(local.pid));

        const settings = (await (
          await fetch(generation.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: '{ generationSettings { provider model } }' }),
          })
        ).json()) as { data: { generationSettings: { provider: string; model: string } } };
        assert.deepEqual(settings.data.generationSettings, {
          provider: 'openai-compatible',
          model: 'SmolLM2-135M-Instruct.Q4_1',
        });
        // A real model behind it: the server answers a chat completion by that name.
        const answer = (await (
          await fetch(`${local.baseUrl}/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              model: 'SmolLM2-135M-Instruct.Q4_1',
              messages: [{ role: 'user', content: 'Say hello.' }],
              max_tokens: 8,
            }),
          })
        ).json()) as { usage: { completion_tokens: number } };
        assert.ok(answer.usage.completion_tokens > 0);

        await generation.close();
        generation = undefined;
        assert.equal(alive(local.pid), false, `llama.cpp server ${local.pid} still running`);
      },
    );
  });
});
