import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { silentLogger } from '@tailor/kit';
import { kafkaForTests, qdrantForTests } from '@tailor/kit/testing';
import { type Mesh, startMesh } from '@tailor/mesh';
import { SignJWT } from 'jose';

/** An HS256 token as the identity provider would sign it with `secret`. */
export async function signToken(
  secret: string,
  sub: string,
  options: { role?: 'user' | 'service'; expiresAt?: number } = {},
): Promise<string> {
  return new SignJWT(options.role === undefined ? {} : { role: options.role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresAt ?? '5m')
    .sign(new TextEncoder().encode(secret));
}

/**
 * Settings of a mesh that checks tokens signed with `jwtSecret` (subgraphs trusting only the
 * gateway, which sends `gatewaySecret`) and seeds no demo users, so a test sees only its own.
 */
export function tokenCheckingSettings(
  jwtSecret: string,
  gatewaySecret: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    AUTH_MODE: 'jwt',
    AUTH_JWT_SECRET: jwtSecret,
    GATEWAY_SHARED_SECRET: gatewaySecret,
    MESH_SEED_DEMO_USERS: 'false',
    ...extra,
  };
}

/** The Authorization header of a token. */
export function bearer(jwt: string): Record<string, string> {
  return { authorization: `Bearer ${jwt}` };
}

/** The codes of an answer's errors, in order. */
export function codesOf(result: GraphQLResponse<unknown>): (string | undefined)[] {
  return (result.errors ?? []).map((e) => e.extensions?.code);
}

/** A GraphQL answer as a client sees it. */
export interface GraphQLResponse<T> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string; [key: string]: unknown } }[];
}

/** Posts one operation to `url` the way any frontend would (`headers`: a token, say). */
export async function graphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, ...body };
}

/** Like {@link graphql}, but fails the test on any error. */
export async function query<T = Record<string, unknown>>(
  url: string,
  text: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<T> {
  const result = await graphql<T>(url, text, variables, headers);
  if (result.errors !== undefined || result.data === undefined) {
    throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}

/** Environment of a test mesh: free ports, loopback, its own data directory. */
export function testEnv(
  dataDir: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    GATEWAY_PORT: '0',
    CATALOG_PORT: '0',
    EVENTS_PORT: '0',
    PROFILES_PORT: '0',
    RECOMMENDER_PORT: '0',
    TRAINER_PORT: '0',
    GENERATION_PORT: '0',
    // Functional tests fire bursts of requests on a busy shared machine: they wait their turn
    // instead of being shed. Overload behaviour has its own tests (graph/src/overload) and bench.
    GATEWAY_QUEUE_MAX: '10000',
    GATEWAY_QUEUE_TIMEOUT_MS: '60000',
    // The suites run on either gateway engine: `GATEWAY_ENGINE=apollo npm test -- tests/dist/e2e`.
    ...(process.env['GATEWAY_ENGINE'] === undefined
      ? {}
      : { GATEWAY_ENGINE: process.env['GATEWAY_ENGINE'] }),
    ...extra,
  };
}

export interface TestMesh {
  mesh: Mesh;
  dataDir: string;
  /** Stops the mesh, keeping the data directory (for restart tests). */
  stop(): Promise<void>;
  /** Stops the mesh and removes its data. */
  destroy(): Promise<void>;
}

/** Starts the embedded mesh exactly as `npm start` does, on free ports and a fresh directory. */
export async function startTestMesh(
  extra: Record<string, string> = {},
  dataDir = mkdtempSync(join(tmpdir(), 'tailor-e2e-')),
): Promise<TestMesh> {
  const mesh = await startMesh({ env: testEnv(dataDir, extra), logger: silentLogger() });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await mesh.close();
  };
  return {
    mesh,
    dataDir,
    stop,
    destroy: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Every byte of every file under `dir`, read as latin1 so any plaintext shows. */
export function everyFileUnder(dir: string): string {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'latin1'))
    .join('\n');
}

/** The settings of a suite's mesh, or why it cannot run here. */
export type Adapters = { env: Record<string, string> } | { skip: string };

/**
 * The production adapters (Kafka and Qdrant, from the environment or containers) for a suite
 * that also runs embedded, on topics and collections named with `prefix` so its log replays
 * read no other run's events; `stop` lets go of any container started for it.
 */
export async function productionAdapters(
  prefix: string,
): Promise<{ adapters: Adapters; stop: () => Promise<void> }> {
  const kafka = await kafkaForTests();
  const qdrant = await qdrantForTests();
  const stop = async () => {
    if (kafka.available) await kafka.stop();
    if (qdrant.available) await qdrant.stop();
  };
  if (!kafka.available) return { adapters: { skip: kafka.skip }, stop };
  if (!qdrant.available) return { adapters: { skip: qdrant.skip }, stop };
  return {
    adapters: {
      env: {
        EVENT_BUS: 'kafka',
        KAFKA_BROKERS: kafka.address.join(','),
        KAFKA_NAME_PREFIX: prefix,
        VECTOR_STORE: 'qdrant',
        QDRANT_URL: qdrant.address,
        QDRANT_COLLECTION_PREFIX: prefix,
      },
    },
    stop,
  };
}
