import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  createEmbeddedVectorStore,
  createHashedEmbedder,
  type Embedder,
  loadConfig,
  silentLogger,
  type VectorStore,
} from '@tailor/kit';
import { z } from 'zod';

import { type CatalogConfig, catalogEnvShape } from '../config.js';
import { type RunningCatalog, startCatalog } from '../subgraph.js';

/** A GraphQL answer as a test reads it. */
export interface GraphQLAnswer<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

/** Counts calls of the store methods whose batching a test checks. */
export interface StoreCalls {
  retrieve: number;
}

/** A VectorStore that forwards to a real one and counts `retrieve` calls. */
function countingStore(inner: VectorStore, calls: StoreCalls): VectorStore {
  return {
    ensureCollection: (spec) => inner.ensureCollection(spec),
    upsert: (collection, points) => inner.upsert(collection, points),
    retrieve: (collection, ids, options) => {
      calls.retrieve += 1;
      return inner.retrieve(collection, ids, options);
    },
    updateVectors: (collection, points) => inner.updateVectors(collection, points),
    search: (collection, request) => inner.search(collection, request),
    readMany: (collection, reads) => inner.readMany(collection, reads),
    scroll: (collection, request) => inner.scroll(collection, request),
    count: (collection, filter) => inner.count(collection, filter),
    delete: (collection, selector) => inner.delete(collection, selector),
    close: () => inner.close(),
  };
}

export interface CatalogUnderTest {
  catalog: RunningCatalog;
  store: VectorStore;
  embedder: Embedder;
  calls: StoreCalls;
  /** Moves the catalog's clock. */
  setNow(epochMs: number): void;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLAnswer<T>>;
  close(): Promise<void>;
}

/** The catalog's config from an empty environment (all defaults), with overrides. */
export function testConfig(overrides: Partial<CatalogConfig> = {}): CatalogConfig {
  return { ...loadConfig(z.object(catalogEnvShape), {}), ...overrides };
}

/**
 * Starts the catalog on 127.0.0.1, port 0, over the real embedded store and hashed embedder in
 * a fresh temp dir, removed by `close()`.
 */
export async function startCatalogUnderTest(
  options: { config?: Partial<CatalogConfig>; now?: number } = {},
): Promise<CatalogUnderTest> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tailor-'));
  const logger = silentLogger();
  const inner = await createEmbeddedVectorStore({ dataDir, logger });
  const calls: StoreCalls = { retrieve: 0 };
  const store = countingStore(inner, calls);
  const embedder = createHashedEmbedder({ dimension: 256 });
  let now = options.now ?? Date.UTC(2025, 0, 1);
  const catalog = await startCatalog({
    config: testConfig({ CATALOG_SEED_DEMO: false, ...options.config }),
    logger,
    store,
    embedder,
    now: () => now,
    host: '127.0.0.1',
    port: 0,
  });
  return {
    catalog,
    store,
    embedder,
    calls,
    setNow: (epochMs) => {
      now = epochMs;
    },
    gql: async (query, variables = {}) => {
      const response = await fetch(catalog.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLAnswer<never>;
    },
    close: async () => {
      try {
        await catalog.close();
        await store.close();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
