import { fileURLToPath } from 'node:url';

import { gatewayOverloadShape } from '@tailor/graph';
import { DEMO_USERS } from '@tailor/mesh';
import { z } from 'zod';

import { startTestMesh } from '../../e2e/harness.js';
import { runJsonChild } from '../lib/child.js';
import { runHeader } from '../lib/machine.js';
import { fixed, printTable, say } from '../lib/output.js';
import { demoUsersPersonalized, homeOperation } from './home.js';
import type { OverloadPlan, OverloadRun } from './overload-load.js';

const LOAD_SCRIPT = fileURLToPath(new URL('./overload-load.js', import.meta.url));

/**
 * The two gateways compared in one run: `unbounded` admits everything and never cuts a request
 * short (what the gateway did before admission control); `admission` runs with the defaults.
 */
const MODES = {
  unbounded: {
    GATEWAY_CONCURRENCY_MIN: '100000',
    GATEWAY_CONCURRENCY_MAX: '100000',
    GATEWAY_REQUEST_TIMEOUT_MS: '600000',
  },
  /** The gateway's defaults, written out: the test harness relaxes the queue for e2e tests. */
  admission: Object.fromEntries(
    Object.entries(z.object(gatewayOverloadShape).parse({})).map(([k, v]) => [k, String(v)]),
  ),
} as const satisfies Record<string, Record<string, string>>;

type Mode = keyof typeof MODES;

/** Options of {@link measureOverload}. */
export interface OverloadOptions {
  connections: readonly number[];
  loadSeconds: number;
}

/** One mode's figures and their ratios, each the worse over the loads. */
export interface OverloadResult {
  mode: Mode;
  settings: Record<string, string>;
  run: OverloadRun;
  ratios: {
    acceptedP99ToUnloadedP99: number;
    shedP99ToUnloadedP99: number | null;
    goodputToPeak: number;
    afterLoadP50ToUnloadedP50: number;
    otherFailures: number;
  };
}

const round3 = (value: number) => Number(value.toFixed(3));

function ratiosOf(run: OverloadRun): OverloadResult['ratios'] {
  const { idle, loads } = run;
  const peak = Math.max(idle.perSecond, ...loads.map((load) => load.goodputPerSecond));
  const shed = loads.filter((load) => load.shed.count > 0).map((load) => load.shed.p99);
  return {
    acceptedP99ToUnloadedP99: round3(Math.max(...loads.map((l) => l.accepted.p99)) / idle.p99),
    shedP99ToUnloadedP99: shed.length === 0 ? null : round3(Math.max(...shed) / idle.p99),
    goodputToPeak: round3(Math.min(...loads.map((l) => l.goodputPerSecond)) / peak),
    afterLoadP50ToUnloadedP50: round3(
      Math.max(...loads.map((l) => l.afterLoadFirstSecondP50Ms)) / idle.p50,
    ),
    otherFailures: loads.reduce((sum, load) => sum + load.otherFailures, 0),
  };
}

async function measureMode(mode: Mode, options: OverloadOptions): Promise<OverloadResult> {
  const settings = MODES[mode];
  const mesh = await startTestMesh(settings);
  try {
    const { gatewayUrl } = mesh.mesh;
    const userIds = DEMO_USERS.map((user) => user.id);
    const operation = homeOperation();
    // Measure the steady state: every demo user's history consumed and personalized.
    await demoUsersPersonalized(gatewayUrl);
    say(`overload (${mode}): mesh up, ${options.connections.join(' and ')} connections`);
    const run = await runJsonChild<OverloadRun>(LOAD_SCRIPT, {
      gatewayUrl,
      userIds,
      first: 5,
      operation,
      warmupSeconds: 3,
      idleSeconds: options.loadSeconds,
      loadSeconds: options.loadSeconds,
      connections: [...options.connections],
      recoverySeconds: 2,
    } satisfies OverloadPlan);
    return { mode, settings, run, ratios: ratiosOf(run) };
  } finally {
    await mesh.destroy();
  }
}

/** The overload rows of bench:serve: Home past saturation, without and with admission control. */
export async function measureOverload(options: OverloadOptions): Promise<OverloadResult[]> {
  const results: OverloadResult[] = [];
  for (const mode of Object.keys(MODES) as Mode[]) results.push(await measureMode(mode, options));
  return results;
}

/** Prints the overload rows. */
export function printOverload(results: readonly OverloadResult[]): void {
  printTable(
    [
      'gateway',
      'conn',
      'Home/s ok',
      'ok p50',
      'ok p99',
      'ok max',
      'shed',
      'shed p99',
      'other',
      'after p50',
    ],
    results.flatMap(({ mode, run }) => [
      [
        mode,
        1,
        fixed(run.idle.perSecond, 1),
        fixed(run.idle.p50, 1),
        fixed(run.idle.p99, 1),
        fixed(run.idle.max, 1),
        0,
        '-',
        0,
        '-',
      ],
      ...run.loads.map((load) => [
        mode,
        load.connections,
        fixed(load.goodputPerSecond, 1),
        fixed(load.accepted.p50, 1),
        fixed(load.accepted.p99, 1),
        fixed(load.accepted.max, 1),
        load.shed.count,
        load.shed.count === 0 ? '-' : fixed(load.shed.p99, 1),
        load.otherFailures,
        fixed(load.afterLoadFirstSecondP50Ms, 1),
        load.limitAtEnd ?? '-',
      ]),
    ]),
  );
  say();
  printTable(
    [
      'gateway',
      'accepted p99 / idle p99',
      'shed p99 / idle p99',
      'goodput / peak',
      'after-load p50 / idle p50',
    ],
    results.map(({ mode, ratios }) => [
      mode,
      fixed(ratios.acceptedP99ToUnloadedP99, 2),
      ratios.shedP99ToUnloadedP99 === null ? '-' : fixed(ratios.shedP99ToUnloadedP99, 2),
      fixed(ratios.goodputToPeak, 2),
      fixed(ratios.afterLoadP50ToUnloadedP50, 2),
    ]),
  );
}

/** The `overload` entry of results/serve.json. */
export function overloadResults(options: OverloadOptions, results: readonly OverloadResult[]) {
  return {
    // Its own header: --only-overload rewrites this entry and leaves the rest of the file alone.
    ...runHeader('serve overload'),
    what: 'graph/operations/Home.graphql (first: 5, with generation) through the gateway by autocannon (60 s client timeout): 1 connection on the idle mesh, then each connection count; "ok" = 2xx, "shed" = 503 OVERLOADED, "other" = any other status, socket error or timeout; "after" = one connection right after the load stops, p50 of the requests started in its first second. Ratios: the worse over the loads; goodput = 2xx Home/s, peak = the best of any load of the same mode.',
    loadSeconds: options.loadSeconds,
    connections: options.connections,
    modes: results,
  };
}
