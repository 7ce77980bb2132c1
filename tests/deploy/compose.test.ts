import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { parse } from 'yaml';

import { envNamesByService, MESH_SERVICE, workloadName, workspaceServices } from './services.js';
import { ROOT } from './tools.js';

/* No Docker engine runs these files here: the tests read them and hold them to the code. */

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  environment?: Record<string, string | number | null>;
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition?: string }>;
  read_only?: boolean;
  cap_drop?: string[];
}

const compose = parse(readFileSync(join(ROOT, 'infra', 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as { services: Record<string, ComposeService> };
const dockerfile = readFileSync(join(ROOT, 'infra', 'Dockerfile'), 'utf8');

/** The compose services built from infra/Dockerfile, by their SERVICE build argument. */
const built = new Map(
  Object.entries(compose.services)
    .filter(([, s]) => s.build?.dockerfile === 'infra/Dockerfile')
    .map(([name, s]) => [s.build?.args?.SERVICE ?? '', { name, ...s }]),
);

describe('infra/docker-compose.yml', () => {
  describe('when read as the whole mesh', () => {
    it('builds one container for every service of the workspace', () => {
      const expected = workspaceServices().filter((s) => s !== MESH_SERVICE);
      assert.deepEqual([...built.keys()].sort(), expected);
      for (const [service, container] of built) {
        assert.equal(container.name, workloadName(service));
        assert.equal(container.build?.context, '..', 'the build context is the repository root');
      }
    });

    it('pins every image to a version', () => {
      for (const [name, s] of Object.entries(compose.services)) {
        assert.match(s.image ?? '', /^[\w./-]+:[\w.-]+$/, `${name}: image with a tag`);
        assert.doesNotMatch(s.image ?? '', /:latest$/, `${name}: not latest`);
      }
      // kafkajs 2.2.4 and Kafka 4 are at the edge of each other's protocol versions.
      assert.match(compose.services.kafka?.image ?? '', /^apache\/kafka:3\.9\.\d+$/);
      assert.match(compose.services.qdrant?.image ?? '', /^qdrant\/qdrant:v\d+\.\d+\.\d+$/);
    });

    it('sets only variables each service reads', async () => {
      const allowed = await envNamesByService();
      for (const [service, container] of built) {
        const names = allowed.get(service);
        assert.ok(names, `no config shape for ${service}`);
        const unread: string[] = Object.keys(container.environment ?? {}).filter(
          (n) => !names.has(n),
        );
        assert.deepEqual(unread, [], `${container.name} sets variables it never reads`);
      }
    });

    it('runs the services on Kafka and Qdrant and the gateway on the subgraphs', () => {
      for (const [service, container] of built) {
        const env = container.environment ?? {};
        if (service === 'graph') {
          for (const s of ['catalog', 'events', 'profiles', 'recommender', 'generation']) {
            const port = built.get(s)?.environment?.[`${s.toUpperCase()}_PORT`];
            assert.equal(env[`${s.toUpperCase()}_URL`], `http://${s}:${port}/graphql`);
            assert.equal(container.depends_on?.[s]?.condition, 'service_healthy');
          }
          continue;
        }
        assert.equal(env.EVENT_BUS, 'kafka', `${service}: EVENT_BUS`);
        assert.equal(env.VECTOR_STORE, 'qdrant', `${service}: VECTOR_STORE`);
        assert.equal(env.KAFKA_BROKERS, 'kafka:9092', `${service}: KAFKA_BROKERS`);
        assert.equal(env.QDRANT_URL, 'http://qdrant:6333', `${service}: QDRANT_URL`);
        const waits = Object.values(container.depends_on ?? {});
        assert.ok(waits.length > 0 && waits.every((w) => w.condition === 'service_healthy'));
      }
      for (const store of ['kafka', 'qdrant']) {
        assert.ok(compose.services[store]?.healthcheck?.test, `${store} has a health check`);
      }
    });

    it('runs every container of a service read-only without capabilities', () => {
      for (const container of built.values()) {
        assert.equal(container.read_only, true, `${container.name}: read-only`);
        assert.deepEqual(container.cap_drop, ['ALL'], `${container.name}: no capabilities`);
      }
    });
  });
});

describe('infra/Dockerfile', () => {
  describe('when read', () => {
    it('builds every service the workspace has, and names them in its check', () => {
      for (const service of workspaceServices()) {
        assert.match(dockerfile, new RegExp(`\\b${service}\\b[|)]`), `SERVICE=${service}`);
      }
    });

    it('runs on Node 20 as a numeric non-root user with production dependencies only', () => {
      const bases = [...dockerfile.matchAll(/^ARG NODE_IMAGE=(\S+)$/gm)].map((m) => m[1]);
      assert.equal(bases.length, 1);
      assert.match(bases[0] ?? '', /^node:20\.\d+\.\d+-/);
      assert.match(dockerfile, /^USER 1000:1000$/m);
      assert.match(dockerfile, /pnpm install --frozen-lockfile/);
      assert.match(dockerfile, /deploy --prod/);
    });

    it('checks /healthz on the port variable of every service', () => {
      const check = /^HEALTHCHECK .*\n\s+CMD (\[.*\])$/m.exec(dockerfile);
      assert.ok(check?.[1], 'a HEALTHCHECK');
      const script = (JSON.parse(check[1]) as string[])[2] ?? '';
      assert.match(script, /\/healthz/);
      for (const service of workspaceServices()) {
        assert.match(script, new RegExp(`\\b${service}: \\['[A-Z]+_PORT', \\d+\\]`));
      }
    });
  });
});
