import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type AddressInfo, connect, createServer } from 'node:net';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { waitFor } from '@tailor/kit/testing';
import { freePort, type MeshProcessName, PROCESS_START_ORDER, ServiceProcess } from '@tailor/mesh';

import { home } from '../graph.js';
import { newTestRun, skipReason, stopServers, type TestRun } from './production-mesh.js';

/** What `npm run start:prod` runs once scripts/tailor.mjs has Kafka and Qdrant. */
const PROD_MAIN = fileURLToPath(
  new URL('../../../../services/mesh/dist/prod-main.js', import.meta.url),
);

const PORT_VARIABLES: Record<MeshProcessName, string> = {
  gateway: 'GATEWAY_PORT',
  catalog: 'CATALOG_PORT',
  events: 'EVENTS_PORT',
  profiles: 'PROFILES_PORT',
  recommender: 'RECOMMENDER_PORT',
  generation: 'GENERATION_PORT',
  trainer: 'TRAINER_PORT',
};

/** True when something accepts connections on the loopback port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('npm run start:prod (services/mesh prod-main)', () => {
  describe('when EVENT_BUS says embedded', () => {
    it('refuses to start, naming EVENT_BUS and npm start', async () => {
      const launcher = new ServiceProcess({
        name: 'start:prod',
        main: PROD_MAIN,
        env: {
          EVENT_BUS: 'embedded',
          KAFKA_BROKERS: '127.0.0.1:1',
          QDRANT_URL: 'http://127.0.0.1:1',
        },
      });
      assert.deepEqual(await launcher.exited, { code: 1, signal: null });
      assert.match(
        launcher.tail(),
        /EVENT_BUS: start:prod runs on kafka \(got "embedded"\); use npm start/,
      );
    });
  });

  describe('when a port it needs is taken', () => {
    it('refuses to start before any process, naming the port variable', async () => {
      const held = createServer();
      held.listen(0, '127.0.0.1');
      await once(held, 'listening');
      const { port } = held.address() as AddressInfo;
      try {
        const launcher = new ServiceProcess({
          name: 'start:prod',
          main: PROD_MAIN,
          env: {
            KAFKA_BROKERS: '127.0.0.1:1',
            QDRANT_URL: 'http://127.0.0.1:1',
            GATEWAY_PORT: String(port),
          },
        });
        assert.deepEqual(await launcher.exited, { code: 1, signal: null });
        assert.match(
          launcher.tail(),
          new RegExp(`GATEWAY_PORT: port ${port} on 127.0.0.1 is in use`),
        );
      } finally {
        held.close();
      }
    });
  });

  describe('when it runs on Kafka and Qdrant with the settings npm start has', () => {
    let run: TestRun | undefined;
    let launcher: ServiceProcess | undefined;
    after(async () => {
      await launcher?.stop(60_000);
      await run?.remove();
      await stopServers();
    });

    it(
      "serves demo-alice's feed through the gateway without a token, and Ctrl-C stops every process",
      skipReason === undefined ? { timeout: 180_000 } : { skip: skipReason },
      async () => {
        run = await newTestRun();
        const ports = {} as Record<MeshProcessName, number>;
        for (const name of PROCESS_START_ORDER) ports[name] = await freePort();
        const env: Record<string, string> = { ...run.env };
        for (const name of PROCESS_START_ORDER) env[PORT_VARIABLES[name]] = String(ports[name]);
        launcher = new ServiceProcess({ name: 'start:prod', main: PROD_MAIN, env, tailLines: 500 });
        const gateway = `http://127.0.0.1:${ports.gateway}`;
        await launcher.ready(gateway, 120_000);
        await waitFor(
          () => launcher!.tail().includes(`Tailor is up in production mode: ${gateway}/graphql`),
          {
            timeoutMs: 60_000,
            description: 'the banner naming the gateway',
          },
        );
        assert.match(launcher.tail(), /AUTH_MODE=off/);

        // The demo histories were published to this run's Kafka, as npm start does on its log.
        const alice = await waitFor(
          async () => {
            const data = await home(`${gateway}/graphql`, 'demo-alice');
            return data.user.profile.eventCount > 0 ? data : undefined;
          },
          { timeoutMs: 60_000, intervalMs: 200, description: "demo-alice's history to be applied" },
        );
        assert.equal(alice.user.recommendations.strategy, 'PERSONALIZED');
        const top = alice.user.profile.topCategories.map((c) => c.name);
        assert.ok(
          top.includes('outdoor') || top.includes('sports'),
          `top categories: ${top.join(', ')}`,
        );

        launcher.kill('SIGINT');
        assert.deepEqual(await launcher.exited, { code: 0, signal: null }, launcher.tail());
        for (const name of PROCESS_START_ORDER) {
          assert.equal(
            await listening(ports[name]),
            false,
            `${name} still listens on ${ports[name]}`,
          );
        }
      },
    );
  });
});
