import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

import { z } from 'zod';

import { itemsCollectionSpec, profilesCollectionSpec } from '../../collections.js';
import { ConfigError, loadConfig } from '../../config.js';
import { silentLogger } from '../../logger.js';
import { minilmForTests, waitFor } from '../../testing/index.js';
import {
  type AdapterConfig,
  adapterEnvSchema,
  adapterEnvShape,
  createAdapters,
  refineAdapterEnv,
} from '../index.js';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('adapterEnvShape', () => {
  describe('when nothing is set', () => {
    it('picks the embedded adapters and documented defaults', () => {
      const config = loadConfig(adapterEnvSchema, {});
      assert.equal(config.EVENT_BUS, 'embedded');
      assert.equal(config.VECTOR_STORE, 'embedded');
      assert.equal(config.EMBEDDING_DIMENSION, 256);
      assert.equal(config.DATA_DIR, '.data');
      assert.equal(config.BUS_PARTITIONS, 4);
      assert.equal(config.KAFKA_BROKERS, undefined);
      assert.equal(config.KAFKA_CLIENT_ID, 'tailor');
    });
  });

  describe('when values are set', () => {
    it('parses brokers as a list and numbers as numbers', () => {
      const config = loadConfig(adapterEnvSchema, {
        EVENT_BUS: 'kafka',
        KAFKA_BROKERS: '127.0.0.1:9092, kafka-1.local:9093',
        EMBEDDING_DIMENSION: '384',
        VECTOR_STORE: 'qdrant',
        QDRANT_URL: 'http://127.0.0.1:6333',
      });
      assert.deepEqual(config.KAFKA_BROKERS, ['127.0.0.1:9092', 'kafka-1.local:9093']);
      assert.equal(config.EMBEDDING_DIMENSION, 384);
    });
  });

  describe('when a value is bad', () => {
    it('stops naming EMBEDDING_DIMENSION and the expected form', () => {
      for (const bad of ['4', '5000', 'big', '12.5']) {
        const err = configError(() => loadConfig(adapterEnvSchema, { EMBEDDING_DIMENSION: bad }));
        assert.match(err.message, /EMBEDDING_DIMENSION: expected a whole number from 8 to 4096/);
        assert.match(err.message, new RegExp(`got "${bad.replace('.', '\\.')}"`));
        assert.deepEqual(
          err.issues.map((i) => i.variable),
          ['EMBEDDING_DIMENSION'],
        );
      }
    });

    it('stops naming KAFKA_SESSION_TIMEOUT_MS outside what brokers allow by default', () => {
      for (const bad of ['5999', '300001', 'soon']) {
        const err = configError(() =>
          loadConfig(adapterEnvSchema, { KAFKA_SESSION_TIMEOUT_MS: bad }),
        );
        assert.match(
          err.message,
          /KAFKA_SESSION_TIMEOUT_MS: expected a whole number from 6000 to 300000/,
        );
      }
      assert.equal(loadConfig(adapterEnvSchema, {}).KAFKA_SESSION_TIMEOUT_MS, 30_000);
    });

    it('stops naming KAFKA_NAME_PREFIX or QDRANT_COLLECTION_PREFIX when it holds a slash or space', () => {
      for (const variable of ['KAFKA_NAME_PREFIX', 'QDRANT_COLLECTION_PREFIX']) {
        for (const bad of ['a/b', 'run 1', 'x'.repeat(101)]) {
          const err = configError(() => loadConfig(adapterEnvSchema, { [variable]: bad }));
          assert.match(err.message, new RegExp(`${variable}: expected up to 100 letters`));
          assert.deepEqual(
            err.issues.map((i) => i.variable),
            [variable],
          );
        }
      }
      const config = loadConfig(adapterEnvSchema, {
        KAFKA_NAME_PREFIX: 'staging.',
        QDRANT_COLLECTION_PREFIX: 'staging_',
      });
      assert.equal(config.KAFKA_NAME_PREFIX, 'staging.');
      assert.equal(config.QDRANT_COLLECTION_PREFIX, 'staging_');
      assert.equal(loadConfig(adapterEnvSchema, {}).KAFKA_NAME_PREFIX, '');
    });

    it('names EVENT_BUS, VECTOR_STORE, KAFKA_BROKERS, KAFKA_REPLICATION_FACTOR and QDRANT_URL', () => {
      const err = configError(() =>
        loadConfig(adapterEnvSchema, {
          EVENT_BUS: 'rabbit',
          VECTOR_STORE: 'faiss',
          KAFKA_BROKERS: 'localhost',
          KAFKA_REPLICATION_FACTOR: '0',
          QDRANT_URL: 'not a url',
        }),
      );
      assert.deepEqual(err.issues.map((i) => i.variable).sort(), [
        'EVENT_BUS',
        'KAFKA_BROKERS',
        'KAFKA_REPLICATION_FACTOR',
        'QDRANT_URL',
        'VECTOR_STORE',
      ]);
    });

    it('requires KAFKA_BROKERS with EVENT_BUS=kafka and QDRANT_URL with VECTOR_STORE=qdrant', () => {
      const err = configError(() =>
        loadConfig(adapterEnvSchema, { EVENT_BUS: 'kafka', VECTOR_STORE: 'qdrant' }),
      );
      assert.match(err.message, /KAFKA_BROKERS: required when EVENT_BUS=kafka/);
      assert.match(err.message, /QDRANT_URL: required when VECTOR_STORE=qdrant/);
    });

    it('applies the same rules inside a service schema', () => {
      const schema = z
        .object({ ...adapterEnvShape, CATALOG_PORT: z.coerce.number().default(4001) })
        .superRefine(refineAdapterEnv);
      const err = configError(() => loadConfig(schema, { EVENT_BUS: 'kafka' }));
      assert.deepEqual(
        err.issues.map((i) => i.variable),
        ['KAFKA_BROKERS'],
      );
    });
  });
});

describe('createAdapters', () => {
  const base = loadConfig(adapterEnvSchema, {});

  describe('when the embedded adapters are configured', () => {
    it('opens a bus, a store and an embedder over DATA_DIR, and closes them', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-'));
      try {
        const adapters = await createAdapters(
          { ...base, DATA_DIR: dataDir, EMBEDDING_DIMENSION: 32, BUS_PARTITIONS: 2 },
          silentLogger(),
        );
        assert.equal(adapters.embedder.dimension, 32);
        const [vector] = await adapters.embedder.embed(['hello']);
        await adapters.store.ensureCollection({
          name: 'items',
          vectors: { content: { size: 32, distance: 'cosine' } },
        });
        await adapters.store.upsert('items', [
          { id: 'a', vectors: { content: vector! }, payload: {} },
        ]);
        const received: string[] = [];
        await adapters.bus.subscribe({
          topic: 'events',
          groupId: 'g',
          fromBeginning: true,
          handleBatch: async (batch) => {
            received.push(...batch.messages.map((m) => m.value));
          },
        });
        await adapters.bus.publish('events', [{ key: 'k', value: 'v' }]);
        await waitFor(() => received.length === 1, { description: 'the message' });
        await adapters.close();
        assert.ok(fs.existsSync(path.join(dataDir, 'bus', 'topics', 'events')));
        assert.ok(fs.existsSync(path.join(dataDir, 'vectors', 'items.snapshot')));
        await assert.rejects(adapters.bus.publish('events', [{ key: 'k', value: 'v' }]));
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });

  describe('when the embedder changed since the collections were made', () => {
    const withStore = async (
      config: AdapterConfig,
      use: (adapters: Awaited<ReturnType<typeof createAdapters>>) => Promise<void>,
    ) => {
      const adapters = await createAdapters(config, silentLogger());
      try {
        await use(adapters);
      } finally {
        await adapters.close();
      }
    };

    it('refuses the collections with a ConfigError naming EMBEDDER, and keeps them', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-'));
      try {
        const before = { ...base, DATA_DIR: dataDir, EMBEDDING_DIMENSION: 64 };
        await withStore(before, async ({ store, embedder }) => {
          await store.ensureCollection(itemsCollectionSpec(embedder.dimension));
          const [vector] = await embedder.embed(['kept']);
          await store.upsert('items', [{ id: 'a', vectors: { content: vector! }, payload: {} }]);
        });
        await withStore({ ...before, EMBEDDING_DIMENSION: 128 }, async ({ store, embedder }) => {
          await assert.rejects(
            store.ensureCollection(itemsCollectionSpec(embedder.dimension)),
            (err: unknown) => {
              assert.ok(err instanceof ConfigError, `a ConfigError, got ${String(err)}`);
              assert.deepEqual(
                err.issues.map((i) => i.variable),
                ['EMBEDDER'],
              );
              assert.match(err.message, /EMBEDDER: collection items was made by another embedder/);
              assert.match(err.message, /EMBEDDING_DIMENSION=128/);
              assert.match(err.message, /content has size 64, asked for 128/);
              return true;
            },
          );
        });
        await withStore(before, async ({ store }) => {
          await store.ensureCollection(itemsCollectionSpec(64));
          assert.equal(await store.count('items'), 1, 'the refused collection is untouched');
        });
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it('names CF_DIMENSION when the collaborative vectors changed size', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-'));
      try {
        const before = { ...base, DATA_DIR: dataDir };
        await withStore(before, ({ store, embedder }) =>
          store.ensureCollection(profilesCollectionSpec(embedder.dimension, 16)),
        );
        await withStore({ ...before, CF_DIMENSION: 32 }, async ({ store, embedder }) => {
          await assert.rejects(
            store.ensureCollection(profilesCollectionSpec(embedder.dimension, 32)),
            (err: unknown) =>
              err instanceof ConfigError &&
              err.issues[0]?.variable === 'CF_DIMENSION' &&
              /another CF_DIMENSION than 32/.test(err.message),
          );
        });
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });

    const minilm = minilmForTests();
    it(
      'refuses hashed collections under EMBEDDER=local, saying the model and its 384-d',
      minilm.available ? {} : { skip: minilm.skip },
      async () => {
        const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-'));
        try {
          const before = { ...base, DATA_DIR: dataDir };
          await withStore(before, ({ store, embedder }) =>
            store.ensureCollection(itemsCollectionSpec(embedder.dimension)),
          );
          const local: AdapterConfig = {
            ...before,
            EMBEDDER: 'local',
            EMBEDDER_MODEL_DIR: minilm.available ? minilm.address : '',
          };
          await withStore(local, async ({ store, embedder }) => {
            assert.equal(embedder.dimension, 384);
            await assert.rejects(
              store.ensureCollection(itemsCollectionSpec(embedder.dimension)),
              /EMBEDDER=local \(all-MiniLM-L6-v2-int8, 384-d\)/,
            );
          });
        } finally {
          fs.rmSync(dataDir, { recursive: true, force: true });
        }
      },
    );
  });

  describe('when EMBEDDER names a model that is not there', () => {
    it('refuses EMBEDDER=openai without its URL and model, naming both', async () => {
      await assert.rejects(
        createAdapters({ ...base, EMBEDDER: 'openai' }, silentLogger()),
        (err: unknown) =>
          err instanceof ConfigError &&
          /EMBEDDER_BASE_URL/.test(err.message) &&
          /EMBEDDER_MODEL/.test(err.message),
      );
    });

    it('refuses EMBEDDER=local on an empty model directory, naming the setting and the script', async () => {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-model-'));
      try {
        await assert.rejects(
          createAdapters({ ...base, EMBEDDER: 'local', EMBEDDER_MODEL_DIR: empty }, silentLogger()),
          /EMBEDDER_MODEL_DIR: .*model\.onnx.* not found; run infra\/models\/fetch-minilm\.sh/,
        );
      } finally {
        fs.rmSync(empty, { recursive: true, force: true });
      }
    });
  });

  describe('when a production adapter lacks its address', () => {
    it('refuses with a ConfigError naming the variable', async () => {
      const config: AdapterConfig = { ...base, VECTOR_STORE: 'qdrant' };
      await assert.rejects(
        createAdapters(config, silentLogger()),
        (err: unknown) => err instanceof ConfigError && /QDRANT_URL/.test(err.message),
      );
    });
  });
});
