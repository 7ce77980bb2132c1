import { existsSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';

/*
 * Suites that need a real Kafka broker or Qdrant server find one here: the address in the
 * environment first (CI's local broker, a developer's server), else a container started by
 * testcontainers where a Docker engine answers, else a reason to skip that names what is
 * missing. A suite never passes without its server, and in CI (`CI=true`, which `.ci/run` sets)
 * it never skips either: CI starts every server, so a missing one is a failure to report.
 */

/** A server for a test file, or why the file's suites are skipped. */
export type TestServer<T> =
  { available: true; address: T; stop(): Promise<void> } | { available: false; skip: string };

/** The Kafka image testcontainers starts: Confluent Platform 7.9 is Apache Kafka 3.9 (KRaft). */
export const KAFKA_TEST_IMAGE = process.env.KAFKA_TEST_IMAGE ?? 'confluentinc/cp-kafka:7.9.0';
/** The Qdrant image testcontainers starts: the server version the adapter was written against. */
export const QDRANT_TEST_IMAGE = process.env.QDRANT_TEST_IMAGE ?? 'qdrant/qdrant:v1.15.0';

const DOCKER_PING_TIMEOUT_MS = 1_000;

/** Whether a Docker engine answers on DOCKER_HOST (unix socket) or the default socket. */
export function dockerEngineAnswers(env = process.env): Promise<boolean> {
  const host = env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  const target = host.startsWith('unix://')
    ? { socketPath: host.slice('unix://'.length) }
    : (() => {
        const url = new URL(host.replace(/^tcp:/, 'http:'));
        return { host: url.hostname, port: Number(url.port || 2375) };
      })();
  return new Promise((resolve) => {
    const req = request({ ...target, path: '/_ping', timeout: DOCKER_PING_TIMEOUT_MS }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/**
 * The skip answer, or, in CI, the error it becomes: CI starts the servers, so a test that would
 * skip there has lost its server, and saying "skipped" would hide it.
 */
function unavailable(env: NodeJS.ProcessEnv, skip: string): { available: false; skip: string } {
  if (env.CI === 'true') throw new Error(`CI=true and ${skip}: CI must start it`);
  return { available: false, skip };
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** `KAFKA_BROKERS`, or a single KRaft broker in a container, or a skip reason. */
export async function kafkaForTests(env = process.env): Promise<TestServer<string[]>> {
  const brokers = list(env.KAFKA_BROKERS);
  if (brokers.length > 0) {
    return { available: true, address: brokers, stop: () => Promise.resolve() };
  }
  if (!(await dockerEngineAnswers(env))) {
    return unavailable(
      env,
      'KAFKA_BROKERS is not set (run infra/kafka/start.sh) and no Docker engine answers',
    );
  }
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const container = await new KafkaContainer(KAFKA_TEST_IMAGE).withKraft().start();
  return {
    available: true,
    address: [`${container.getHost()}:${container.getMappedPort(9093)}`],
    stop: async () => {
      await container.stop();
    },
  };
}

/** `QDRANT_URL`, or a Qdrant server in a container, or a skip reason. */
export async function qdrantForTests(env = process.env): Promise<TestServer<string>> {
  const url = env.QDRANT_URL?.trim();
  if (url !== undefined && url !== '') {
    return { available: true, address: url, stop: () => Promise.resolve() };
  }
  if (!(await dockerEngineAnswers(env))) {
    return unavailable(
      env,
      'QDRANT_URL is not set (run infra/qdrant/start.sh) and no Docker engine answers',
    );
  }
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(QDRANT_TEST_IMAGE)
    .withExposedPorts(6333)
    .withWaitStrategy(Wait.forHttp('/readyz', 6333))
    .start();
  return {
    available: true,
    address: `http://${container.getHost()}:${container.getMappedPort(6333)}`,
    stop: async () => {
      await container.stop();
    },
  };
}

/** An OpenAI-compatible chat server with a real model: its `/v1` base URL and model name. */
export interface LlmServer {
  baseUrl: string;
  model: string;
}

/**
 * `LLM_BASE_URL` and `LLM_MODEL` (infra/llm/start.sh prints both), or a skip reason. No
 * container fallback: the weights come from a registry package, not from an image.
 */
export async function llmForTests(env = process.env): Promise<TestServer<LlmServer>> {
  const baseUrl = env.LLM_BASE_URL?.trim();
  const model = env.LLM_MODEL?.trim();
  if (baseUrl === undefined || baseUrl === '' || model === undefined || model === '') {
    return unavailable(env, 'LLM_BASE_URL and LLM_MODEL are not set (run infra/llm/start.sh)');
  }
  return { available: true, address: { baseUrl, model }, stop: () => Promise.resolve() };
}

/**
 * The all-MiniLM-L6-v2 directory (`EMBEDDER_MODEL_DIR`, else the cache dir
 * infra/models/fetch-minilm.sh fills), or a skip reason naming the script. Not a server, but the
 * same rule: in CI the model must be there.
 */
export function minilmForTests(env = process.env): TestServer<string> {
  const dir =
    env.EMBEDDER_MODEL_DIR?.trim() || path.join(os.homedir(), '.cache', 'tailor', 'minilm');
  const missing = ['model.onnx', 'tokenizer.json'].filter((f) => !existsSync(path.join(dir, f)));
  if (missing.length > 0) {
    return unavailable(
      env,
      `${missing.join(' and ')} not in ${dir} (run infra/models/fetch-minilm.sh, or set EMBEDDER_MODEL_DIR)`,
    );
  }
  return { available: true, address: dir, stop: () => Promise.resolve() };
}

/** What GENERATION_PROVIDER=local runs: the venv with the server wheel and a GGUF model. */
export interface LocalLlmInstall {
  venvDir: string;
  modelPath: string;
}

/**
 * The venv and SmolLM2 weights infra/llm/install.sh puts in `LLM_CACHE_DIR` (default
 * `~/.cache/tailor/llm`), or a skip reason naming the script. Not a server: the test starts its
 * own from these, as `GENERATION_PROVIDER=local` does. In CI they must be there (.ci/run's
 * infra/llm/start.sh installs them).
 */
export function localLlmForTests(env = process.env): TestServer<LocalLlmInstall> {
  const dir = env.LLM_CACHE_DIR?.trim() || path.join(os.homedir(), '.cache', 'tailor', 'llm');
  const install = {
    venvDir: path.join(dir, 'venv'),
    modelPath: path.join(dir, 'models', 'SmolLM2-135M-Instruct.Q4_1.gguf'),
  };
  const missing = [path.join(install.venvDir, 'bin', 'python'), install.modelPath].filter(
    (file) => !existsSync(file),
  );
  if (missing.length > 0) {
    return unavailable(
      env,
      `${missing.join(' and ')} missing (run infra/llm/install.sh, or set LLM_CACHE_DIR)`,
    );
  }
  return { available: true, address: install, stop: () => Promise.resolve() };
}
