import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

import { DEFAULT_SUBGRAPH_URLS, type SubgraphName } from '@tailor/graph';
import { ConfigError } from '@tailor/kit';

import { type ProcessExit, ServiceProcess } from './service-process.js';

/** A process of the production mesh: each subgraph, and the gateway. */
export type MeshProcessName = SubgraphName | 'gateway';

/**
 * Every process, in the embedded mesh's start order: the catalog first (it creates the items
 * collection and loads the demo catalog the others read), the gateway last (it needs every
 * subgraph to answer).
 */
export const PROCESS_START_ORDER: readonly MeshProcessName[] = [
  'catalog',
  'profiles',
  'trainer',
  'recommender',
  'events',
  'generation',
  'gateway',
];

const PORT_VARIABLES: Record<MeshProcessName, string> = {
  catalog: 'CATALOG_PORT',
  events: 'EVENTS_PORT',
  profiles: 'PROFILES_PORT',
  recommender: 'RECOMMENDER_PORT',
  generation: 'GENERATION_PORT',
  trainer: 'TRAINER_PORT',
  gateway: 'GATEWAY_PORT',
};

/** The gateway's variable naming each subgraph's `/graphql`. */
const URL_VARIABLES: Record<SubgraphName, string> = {
  catalog: 'CATALOG_URL',
  events: 'EVENTS_URL',
  profiles: 'PROFILES_URL',
  recommender: 'RECOMMENDER_URL',
  generation: 'GENERATION_URL',
  trainer: 'TRAINER_URL',
};

const DEFAULT_GATEWAY_PORT = 4000;

/** The ports `npm start` uses: the gateway on 4000, the subgraphs on 4001 to 4006. */
export const DEFAULT_PROCESS_PORTS: Readonly<Record<MeshProcessName, number>> = Object.freeze({
  ...(Object.fromEntries(
    Object.entries(DEFAULT_SUBGRAPH_URLS).map(([name, url]) => [name, Number(new URL(url).port)]),
  ) as Record<SubgraphName, number>),
  gateway: DEFAULT_GATEWAY_PORT,
});

/** The entry point of a process: `services/<name>/dist/main.js`, the gateway's `graph/dist/main.js`. */
export function processMain(name: MeshProcessName): string {
  const path = name === 'gateway' ? '../../../graph/dist/main.js' : `../../${name}/dist/main.js`;
  return fileURLToPath(new URL(path, import.meta.url));
}

/** Options of {@link startProcessMesh}. */
export interface ProcessMeshOptions {
  /**
   * The environment every process gets (nothing else is inherited): the adapters (`EVENT_BUS=kafka`,
   * `VECTOR_STORE=qdrant` and their addresses), auth, and any service setting. Ports and the
   * gateway's subgraph URLs are added per process.
   */
  env: Record<string, string | undefined>;
  /**
   * `free`: a free port on the host for each process, so runs side by side never meet;
   * `configured` (the default): each `<NAME>_PORT` of `env`, else the `npm start` ports.
   */
  ports?: 'free' | 'configured';
  /** See {@link ServiceProcess}: `keep` (the default) for tests, `inherit` at a terminal. */
  output?: 'inherit' | 'keep';
  /** Longest wait for one process's `/readyz` (the catalog embeds the demo catalog first). */
  readyTimeoutMs?: number;
  /** Longest wait for a graceful exit after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number;
  /** Aborting it during start stops the processes started so far, and the start rejects. */
  signal?: AbortSignal;
}

/** The mesh with every service in its own process. */
export interface ProcessMesh {
  /** The gateway's `/graphql`: the one address clients use. */
  gatewayUrl: string;
  /** `http://host:port` of each process. */
  origins: Readonly<Record<MeshProcessName, string>>;
  /** The process running as `name` now (a restart replaces it). */
  process(name: MeshProcessName): ServiceProcess;
  /** Starts `name` again after it exited (or was killed), on the same port; resolves when ready. */
  start(name: MeshProcessName): Promise<ServiceProcess>;
  /** SIGTERM to `name`, then {@link start}; resolves with how the old process ended. */
  restart(name: MeshProcessName): Promise<ProcessExit>;
  /** Stops the gateway, then every subgraph; SIGKILL for any that outstays `stopTimeoutMs`. */
  stop(): Promise<Partial<Record<MeshProcessName, ProcessExit>>>;
}

/** A port free on `host` now (another process may take it before it is used). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** Whether `port` on `host` can be bound now. */
async function portFree(host: string, port: number): Promise<boolean> {
  const server = createServer();
  try {
    server.listen(port, host);
    await once(server, 'listening');
    server.close();
    await once(server, 'close');
    return true;
  } catch {
    return false;
  }
}

async function choosePorts(
  mode: 'free' | 'configured',
  env: Record<string, string | undefined>,
  host: string,
): Promise<Record<MeshProcessName, number>> {
  const ports = {} as Record<MeshProcessName, number>;
  const taken = new Set<number>();
  for (const name of PROCESS_START_ORDER) {
    let port: number;
    if (mode === 'free') {
      // The same free port twice in a row is possible: draw until it is new.
      do port = await freePort(host);
      while (taken.has(port));
    } else {
      const set = env[PORT_VARIABLES[name]];
      port = set === undefined || set === '' ? DEFAULT_PROCESS_PORTS[name] : Number(set);
      if (!Number.isInteger(port) || port < 1 || port > 65_535) {
        throw new ConfigError(
          `Invalid configuration:\n  ${PORT_VARIABLES[name]}: expected a TCP port from 1 to 65535, each service its own (got ${JSON.stringify(set)})`,
          [{ variable: PORT_VARIABLES[name], problem: 'expected a TCP port from 1 to 65535' }],
        );
      }
    }
    taken.add(port);
    ports[name] = port;
  }
  if (mode === 'configured') {
    // Said before any process starts, naming the setting: else a service dies on EADDRINUSE.
    const busy: { variable: string; problem: string }[] = [];
    for (const name of PROCESS_START_ORDER) {
      if (await portFree(host, ports[name])) continue;
      busy.push({
        variable: PORT_VARIABLES[name],
        problem: `port ${ports[name]} on ${host} is in use (another Tailor, npm start?); stop it or set ${PORT_VARIABLES[name]}`,
      });
    }
    if (busy.length > 0) {
      const lines = busy.map((i) => `  ${i.variable}: ${i.problem}`).join('\n');
      throw new ConfigError(`Invalid configuration:\n${lines}`, busy);
    }
  }
  return ports;
}

/**
 * Processes share nothing but Kafka and Qdrant: on the embedded adapters each would keep a log
 * and a store of its own, and no event would reach another process.
 */
function assertSharedAdapters(env: Record<string, string | undefined>): void {
  const issues: { variable: string; problem: string }[] = [];
  if (env.EVENT_BUS !== 'kafka') {
    issues.push({
      variable: 'EVENT_BUS',
      problem: `expected kafka: services in their own processes share events only through Kafka (got ${JSON.stringify(env.EVENT_BUS ?? 'unset')})`,
    });
  }
  if (env.VECTOR_STORE !== 'qdrant') {
    issues.push({
      variable: 'VECTOR_STORE',
      problem: `expected qdrant: services in their own processes share items and profiles only through Qdrant (got ${JSON.stringify(env.VECTOR_STORE ?? 'unset')})`,
    });
  }
  if (issues.length === 0) return;
  const lines = issues.map((i) => `  ${i.variable}: ${i.problem}`).join('\n');
  throw new ConfigError(`Invalid configuration:\n${lines}`, issues);
}

/**
 * Starts every subgraph and then the gateway, each as its own OS process
 * (`node services/<name>/dist/main.js`, `node graph/dist/main.js`), and resolves once each
 * answers `/readyz`. A process that exits during start stops the others and rejects with its
 * last lines.
 */
export async function startProcessMesh(options: ProcessMeshOptions): Promise<ProcessMesh> {
  assertSharedAdapters(options.env);
  const bind = options.env.HOST ?? '127.0.0.1';
  // A wildcard bind is reached on loopback; any other host is reached where it binds.
  const host = bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind;
  const ports = await choosePorts(options.ports ?? 'configured', options.env, host);
  const authority = (port: number) =>
    host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const origins = Object.fromEntries(
    PROCESS_START_ORDER.map((name) => [name, `http://${authority(ports[name])}`]),
  ) as Record<MeshProcessName, string>;
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
  const clientId = options.env.KAFKA_CLIENT_ID ?? 'tailor';

  const envOf = (name: MeshProcessName): Record<string, string | undefined> => {
    const own: Record<string, string> = {
      HOST: bind,
      [PORT_VARIABLES[name]]: String(ports[name]),
      // Brokers' logs and metrics tell the processes apart.
      KAFKA_CLIENT_ID: `${clientId}-${name}`,
    };
    if (name === 'gateway') {
      for (const [subgraph, variable] of Object.entries(URL_VARIABLES)) {
        own[variable] = `${origins[subgraph as SubgraphName]}/graphql`;
      }
    }
    if (name === 'generation' && options.env.GENERATION_PUBLIC_BASE_URL === undefined) {
      // Thumbnails are fetched through the gateway, the one address clients use.
      own.GENERATION_PUBLIC_BASE_URL = origins.gateway;
    }
    return { ...options.env, ...own };
  };

  const running = new Map<MeshProcessName, ServiceProcess>();
  const start = async (name: MeshProcessName): Promise<ServiceProcess> => {
    const child = new ServiceProcess({
      name,
      main: processMain(name),
      env: envOf(name),
      output: options.output ?? 'keep',
    });
    running.set(name, child);
    await child.ready(origins[name], readyTimeoutMs, options.signal);
    return child;
  };
  const stopAll = async (): Promise<Partial<Record<MeshProcessName, ProcessExit>>> => {
    const exits: Partial<Record<MeshProcessName, ProcessExit>> = {};
    const gateway = running.get('gateway');
    if (gateway !== undefined) exits.gateway = await gateway.stop(stopTimeoutMs);
    await Promise.all(
      [...running]
        .filter(([name]) => name !== 'gateway')
        .map(async ([name, child]) => {
          exits[name] = await child.stop(stopTimeoutMs);
        }),
    );
    return exits;
  };

  try {
    options.signal?.throwIfAborted();
    // The catalog first and the gateway last; the subgraphs between need only the catalog's
    // collections, so they start side by side.
    await start('catalog');
    const between = PROCESS_START_ORDER.filter((name) => name !== 'catalog' && name !== 'gateway');
    const started = await Promise.allSettled(between.map((name) => start(name)));
    const failed = started.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    options.signal?.throwIfAborted();
    await start('gateway');
  } catch (err) {
    await stopAll();
    throw err;
  }

  return {
    gatewayUrl: `${origins.gateway}/graphql`,
    origins,
    process: (name) => {
      const child = running.get(name);
      if (child === undefined) throw new Error(`${name} was never started`);
      return child;
    },
    start: async (name) => {
      if (running.get(name)?.running === true) throw new Error(`${name} is still running`);
      return start(name);
    },
    restart: async (name) => {
      const old = running.get(name);
      const exit = old === undefined ? { code: null, signal: null } : await old.stop(stopTimeoutMs);
      await start(name);
      return exit;
    },
    stop: stopAll,
  };
}
