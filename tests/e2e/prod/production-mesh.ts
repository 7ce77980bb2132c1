import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  adapterEnvSchema,
  createAdapters,
  loadConfig,
  silentLogger,
  USER_EVENTS_DLQ_TOPIC,
  USER_EVENTS_TOPIC,
  USER_FORGOTTEN_TOPIC,
  type VectorStore,
} from '@tailor/kit';
import { qdrantForTests } from '@tailor/kit/testing';
import { type ProcessMesh, startProcessMesh } from '@tailor/mesh';
import { PROFILES_GROUP_ID } from '@tailor/profiles';
import type { Admin, Producer } from 'kafkajs';

import { signToken, tokenCheckingSettings } from '../harness.js';
import {
  brokers,
  plainAdmin,
  plainProducer,
  skipReason as kafkaSkipReason,
  stopBroker,
} from '../kafka/broker.js';
import { KILLED_SESSION_TIMEOUT_MS } from '../kafka/kill-mid-stream.js';

/*
 * The production mode as a deployment runs it: every service its own OS process, Kafka and a
 * Qdrant server, JWT auth at the gateway. Each run names its topics, groups and collections
 * with a prefix of its own (KAFKA_NAME_PREFIX, QDRANT_COLLECTION_PREFIX), so runs sharing a
 * broker and a server, and the other Kafka suites, never meet; the run removes them at the end.
 */

/** QDRANT_URL (CI's `infra/qdrant/start.sh`), else a container where Docker answers. */
const qdrant = await qdrantForTests();

/** Why the production suite is skipped (no broker or no Qdrant), or undefined. */
export const skipReason: string | undefined =
  kafkaSkipReason ?? (qdrant.available ? undefined : qdrant.skip);

const JWT_SECRET = `prod-e2e-jwt-secret-${'x'.repeat(32)}`;
const GATEWAY_SECRET = `prod-e2e-gateway-secret-${'y'.repeat(32)}`;

/** A running production mesh of one test run, and what its tests inspect it with. */
export interface ProductionMesh {
  mesh: ProcessMesh;
  /** The gateway's `/graphql`. */
  url: string;
  /** This run's names on the broker. */
  topics: { events: string; deadLetters: string; forgotten: string };
  /** The profiles consumer group on the broker. */
  profilesGroup: string;
  /** This run's collections on the Qdrant server, as the services see them. */
  store: VectorStore;
  /** Every collection of this run on the server. */
  collections(): Promise<string[]>;
  qdrantUrl: string;
  /** Where the services keep files (the trainer's interactions, thumbnails). */
  dataDir: string;
  admin: Admin;
  producer: Producer;
  /** Headers with a bearer token for `sub`, as the identity provider would sign it. */
  as(sub: string, role?: 'user' | 'service'): Promise<Record<string, string>>;
  /** Stops every process, then removes this run's topics, groups, collections and files. */
  destroy(): Promise<void>;
}

async function qdrantCollections(url: string, prefix: string): Promise<string[]> {
  const response = await fetch(`${url}/collections`);
  const body = (await response.json()) as { result: { collections: { name: string }[] } };
  return body.result.collections.map((c) => c.name).filter((name) => name.startsWith(prefix));
}

/** One test run's own names on the shared servers, and its own directory. */
export interface TestRun {
  /** The settings that put every topic, group and collection of the run under its prefixes. */
  env: Record<string, string>;
  topicPrefix: string;
  collectionPrefix: string;
  qdrantUrl: string;
  dataDir: string;
  admin: Admin;
  /** Removes every topic, group and collection of the run, and its directory. */
  remove(): Promise<void>;
}

/** A new run on the servers; call only when {@link skipReason} is undefined. */
export async function newTestRun(): Promise<TestRun> {
  if (!qdrant.available) throw new Error(qdrant.skip);
  const qdrantUrl = qdrant.address;
  const run = `e2e-${randomUUID().slice(0, 8)}`;
  const topicPrefix = `${run}.`;
  const collectionPrefix = `${run}_`;
  const dataDir = mkdtempSync(join(tmpdir(), 'tailor-e2e-prod-'));
  const admin = await plainAdmin(`${run}-admin`);
  return {
    env: {
      EVENT_BUS: 'kafka',
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_NAME_PREFIX: topicPrefix,
      KAFKA_CLIENT_ID: run,
      KAFKA_SESSION_TIMEOUT_MS: String(KILLED_SESSION_TIMEOUT_MS),
      VECTOR_STORE: 'qdrant',
      QDRANT_URL: qdrantUrl,
      QDRANT_COLLECTION_PREFIX: collectionPrefix,
      USER_PSEUDONYM_SECRET: `prod-e2e-pseudonyms-${run}`,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    topicPrefix,
    collectionPrefix,
    qdrantUrl,
    dataDir,
    admin,
    remove: async () => {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
      if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
      const groups = (await admin.listGroups()).groups
        .map((g) => g.groupId)
        .filter((g) => g.startsWith(topicPrefix));
      if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      for (const name of await qdrantCollections(qdrantUrl, collectionPrefix)) {
        await fetch(`${qdrantUrl}/collections/${encodeURIComponent(name)}`, { method: 'DELETE' });
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts the production mesh for one test run; call only when {@link skipReason} is undefined. */
export async function startProductionMesh(): Promise<ProductionMesh> {
  const run = await newTestRun();
  const { topicPrefix, collectionPrefix, qdrantUrl, dataDir, admin } = run;
  const producer = await plainProducer(`${run.env.KAFKA_CLIENT_ID}-producer`);
  // The store as every service opens it, settings and all: what the tests inspect.
  const { store, close: closeStore } = await createAdapters(
    loadConfig(adapterEnvSchema, run.env),
    silentLogger(),
    ['store'],
  );
  const cleanUp = async () => {
    await closeStore().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await run.remove();
  };
  let mesh: ProcessMesh;
  try {
    mesh = await startProcessMesh({
      ports: 'free',
      env: { ...tokenCheckingSettings(JWT_SECRET, GATEWAY_SECRET), ...run.env },
    });
  } catch (err) {
    await cleanUp();
    throw err;
  }
  return {
    mesh,
    url: mesh.gatewayUrl,
    topics: {
      events: `${topicPrefix}${USER_EVENTS_TOPIC}`,
      deadLetters: `${topicPrefix}${USER_EVENTS_DLQ_TOPIC}`,
      forgotten: `${topicPrefix}${USER_FORGOTTEN_TOPIC}`,
    },
    profilesGroup: `${topicPrefix}${PROFILES_GROUP_ID}`,
    store,
    collections: () => qdrantCollections(qdrantUrl, collectionPrefix),
    qdrantUrl,
    dataDir,
    admin,
    producer,
    as: async (sub, role = 'user') => ({
      authorization: `Bearer ${await signToken(JWT_SECRET, sub, { role, expiresAt: Math.floor(Date.now() / 1000) + 3_600 })}`,
    }),
    destroy: async () => {
      try {
        await mesh.stop();
      } finally {
        await cleanUp();
      }
    },
  };
}

/** Stops what the servers' lookup started (containers), if anything. */
export async function stopServers(): Promise<void> {
  await stopBroker();
  if (qdrant.available) await qdrant.stop();
}
