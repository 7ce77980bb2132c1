import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { gatewayOverloadShape } from '@tailor/graph';
import { waitFor } from '@tailor/kit/testing';
import { DEMO_USERS, freePort } from '@tailor/mesh';
import { z } from 'zod';

import { startTestMesh } from '../../e2e/harness.js';
import { runJsonChild } from '../lib/child.js';
import { runHeader } from '../lib/machine.js';
import { fixed, printTable, runBench, say } from '../lib/output.js';
import { REPO_ROOT, writeResults } from '../lib/paths.js';
import { demoUsersPersonalized, homeOperation } from '../serve/home.js';
import type { OverloadLoad, OverloadPlan, OverloadRun } from '../serve/overload-load.js';
import type { FloodPlan, FloodRun } from './flood.js';

const USAGE = `usage: npm run bench:overload [-- --load-seconds <n>]
  Home past saturation through a gateway in its own process (the subgraphs in the embedded
  mesh's process, as separate from the gateway as pods are), then an ingest flood on the
  events REST door; writes tests/bench/results/overload.json.`;

const HOME_GENERATOR = fileURLToPath(new URL('../serve/overload-load.js', import.meta.url));
const FLOOD_GENERATOR = fileURLToPath(new URL('./flood.js', import.meta.url));
const GATEWAY_MAIN = path.join(REPO_ROOT, 'graph', 'dist', 'main.js');

/** Connection counts tried to find where Home stops getting faster. */
const RAMP = [1, 2, 4, 8, 16, 32];
/** Saturation: the fewest connections whose goodput is within this of the ramp's best. */
const SATURATED_SHARE = 0.9;
/** The two loads of the Done-when figures, as multiples of the saturating count. */
const MULTIPLES = [4, 16] as const;

/** The gateway's defaults, written out (the e2e harness relaxes the queue for its tests). */
const ADMISSION = Object.fromEntries(
  Object.entries(z.object(gatewayOverloadShape).parse({})).map(([k, v]) => [k, String(v)]),
);

const FLOOD = { connections: 64, batchSize: 100, seconds: 15, users: 2_000 } as const;

/** The gateway as deployed: its own process, talking to the subgraphs over HTTP. */
async function startGatewayProcess(
  subgraphUrls: Record<string, string>,
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [GATEWAY_MAIN], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      GATEWAY_PORT: String(port),
      LOG_LEVEL: 'error',
      // As in the embedded mesh it fronts: no tokens (the subgraphs trust every caller).
      AUTH_MODE: 'off',
      ...ADMISSION,
      ...Object.fromEntries(
        Object.entries(subgraphUrls).map(([name, url]) => [`${name.toUpperCase()}_URL`, url]),
      ),
    },
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitFor(
    async () => (await fetch(url.replace(/\/graphql$/, '/readyz')).catch(() => undefined))?.ok,
    { timeoutMs: 60_000, intervalMs: 200, description: 'the gateway process to be ready' },
  );
  return { url, child };
}

async function metric(url: string, pattern: RegExp): Promise<number> {
  const text = await (await fetch(url)).text();
  let sum = 0;
  for (const match of text.matchAll(pattern)) sum += Number(match[1]);
  return sum;
}

const round3 = (value: number) => Number(value.toFixed(3));

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    say(USAGE);
    return;
  }
  const at = args.indexOf('--load-seconds');
  const loadSeconds = at < 0 ? 20 : Number(args[at + 1]);
  if (!Number.isInteger(loadSeconds) || loadSeconds < 3) throw new Error(USAGE);

  const header = runHeader('overload');
  const mesh = await startTestMesh(ADMISSION);
  let gateway: { url: string; child: ChildProcess } | undefined;
  try {
    const userIds = DEMO_USERS.map((user) => user.id);
    const operation = homeOperation();
    const { subgraphUrls } = mesh.mesh;
    gateway = await startGatewayProcess(subgraphUrls);
    const gatewayUrl = gateway.url;
    await demoUsersPersonalized(gatewayUrl);
    const plan = (connections: number[], seconds: number, idleSeconds: number): OverloadPlan => ({
      gatewayUrl,
      userIds,
      first: 5,
      operation,
      warmupSeconds: 3,
      idleSeconds,
      loadSeconds: seconds,
      connections,
      recoverySeconds: 2,
    });

    say(`overload: ramp ${RAMP.join(', ')} connections, 5 s each`);
    const ramp = await runJsonChild<OverloadRun>(HOME_GENERATOR, plan(RAMP, 5, 5));
    const best = Math.max(...ramp.loads.map((l) => l.goodputPerSecond));
    const saturating =
      ramp.loads.find((l) => l.goodputPerSecond >= SATURATED_SHARE * best)?.connections ??
      RAMP.at(-1)!;
    const loads = MULTIPLES.map((m) => m * saturating);
    say(`overload: saturation at ${saturating} connections; loads ${loads.join(' and ')}`);
    const run = await runJsonChild<OverloadRun>(HOME_GENERATOR, plan(loads, loadSeconds, 10));
    const all: OverloadLoad[] = [...ramp.loads, ...run.loads];
    const peak = Math.max(
      run.idle.perSecond,
      ramp.idle.perSecond,
      ...all.map((l) => l.goodputPerSecond),
    );
    const shed = run.loads.filter((l) => l.shed.count > 0).map((l) => l.shed.p99);
    const ratios = {
      acceptedP99ToUnloadedP99: round3(
        Math.max(...run.loads.map((l) => l.accepted.p99)) / run.idle.p99,
      ),
      shedP99ToUnloadedP99: shed.length === 0 ? null : round3(Math.max(...shed) / run.idle.p99),
      goodputToPeak: round3(Math.min(...run.loads.map((l) => l.goodputPerSecond)) / peak),
      afterLoadP50ToUnloadedP50: round3(
        Math.max(...run.loads.map((l) => l.afterLoadFirstSecondP50Ms)) / run.idle.p50,
      ),
      otherFailures: run.loads.reduce((sum, l) => sum + l.otherFailures, 0),
    };

    // The ingest flood, on a quiet mesh: the updater has caught up with everything before.
    const eventsMetrics = subgraphUrls.events.replace(/\/graphql$/, '/metrics');
    const profilesMetrics = subgraphUrls.profiles.replace(/\/graphql$/, '/metrics');
    const lag = () =>
      metric(profilesMetrics, /^tailor_consumer_lag_events\{[^}]*group="profiles"[^}]*\} (\d+)/gm);
    const acceptedEvents = () =>
      metric(
        eventsMetrics,
        /^tailor_events_received_total\{[^}]*outcome="accepted"[^}]*\} (\d+)/gm,
      );
    const appliedViews = () =>
      metric(
        profilesMetrics,
        /^tailor_profile_events_applied_total\{[^}]*type="view"[^}]*\} (\d+)/gm,
      );
    await waitFor(async () => (await lag()) === 0, { timeoutMs: 120_000, intervalMs: 200 });
    const before = { accepted: await acceptedEvents(), applied: await appliedViews() };
    say(
      `overload: ingest flood, ${FLOOD.connections} producers x ${FLOOD.batchSize} events, ${FLOOD.seconds} s`,
    );
    const itemIds = Array.from(
      { length: 300 },
      (_, i) => `garden-${String((i % 50) + 1).padStart(3, '0')}`,
    );
    const flood = await runJsonChild<FloodRun>(FLOOD_GENERATOR, {
      eventsUrl: new URL('/v1/events', subgraphUrls.events).toString(),
      profilesMetricsUrl: profilesMetrics,
      ...FLOOD,
      itemIds,
    } satisfies FloodPlan);
    const floodEnded = performance.now();
    await waitFor(async () => (await lag()) === 0, { timeoutMs: 300_000, intervalMs: 200 });
    const catchUpSeconds = (performance.now() - floodEnded) / 1000;
    const after = { accepted: await acceptedEvents(), applied: await appliedViews() };
    const boundEvents = 10_000;
    const ingest = {
      ...flood,
      boundEvents,
      catchUpSecondsAfterFlood: Number(catchUpSeconds.toFixed(1)),
      acceptedByService: after.accepted - before.accepted,
      appliedByProfiles: after.applied - before.applied,
    };

    const result = {
      ...header,
      what:
        'graph/operations/Home.graphql (first: 5, with generation) through a gateway in its own ' +
        'process (graph/dist/main.js, admission defaults) in front of the embedded mesh ' +
        'subgraphs in the bench process; loads from overload-load.js in a third process. Ramp ' +
        `${RAMP.join('/')} connections, 5 s each, finds saturation (fewest connections within ` +
        `${SATURATED_SHARE * 100}% of the best goodput); then 4x and 16x it for ${loadSeconds} s. ` +
        'Ratios as issue 18 defines them, each the worse of the two loads; peak = best goodput ' +
        'of any load in this run (ramp included). Ingest: 64 producers post 100-event batches ' +
        'to POST /v1/events as fast as answered for 15 s, ignoring Retry-After; lag sampled ' +
        "every 200 ms from profiles' tailor_consumer_lag_events.",
      settings: ADMISSION,
      saturation: { connections: saturating, ramp },
      idle: run.idle,
      loads: run.loads,
      ratios,
      ingest,
      doneWhen: {
        acceptedP99ToUnloadedP99AtMost10: ratios.acceptedP99ToUnloadedP99 <= 10,
        shedP99ToUnloadedP99AtMost1:
          ratios.shedP99ToUnloadedP99 !== null && ratios.shedP99ToUnloadedP99 <= 1,
        goodputToPeakAtLeast0_9: ratios.goodputToPeak >= 0.9,
        noErrorsButOverloaded: ratios.otherFailures === 0,
        ingestLagWithinBound: flood.maxLagEvents <= boundEvents,
        ingestRefusalsCarryRetryAfter:
          flood.batches.refused > 0 && flood.refusalsWithRetryAfter === flood.batches.refused,
        everyAcceptedEventAppliedOnce:
          ingest.acceptedByService === ingest.appliedByProfiles &&
          ingest.acceptedByService === flood.batches.accepted * FLOOD.batchSize,
      },
    };
    printTable(
      ['load', 'conn', 'Home/s ok', 'ok p50', 'ok p99', 'shed', 'shed p99', 'other', 'after p50'],
      [
        [
          'idle',
          1,
          fixed(run.idle.perSecond, 1),
          fixed(run.idle.p50, 0),
          fixed(run.idle.p99, 0),
          0,
          '-',
          0,
          '-',
        ],
        ...run.loads.map((l, i) => [
          `${MULTIPLES[i]}x`,
          l.connections,
          fixed(l.goodputPerSecond, 1),
          fixed(l.accepted.p50, 0),
          fixed(l.accepted.p99, 0),
          l.shed.count,
          l.shed.count === 0 ? '-' : fixed(l.shed.p99, 0),
          l.otherFailures,
          fixed(l.afterLoadFirstSecondP50Ms, 0),
        ]),
      ],
    );
    say(JSON.stringify({ ratios, ingest: { ...ingest, accepted: undefined, refused: undefined } }));
    say(`wrote ${writeResults('overload', result)}`);
  } finally {
    gateway?.child.kill('SIGTERM');
    await mesh.destroy();
  }
}

runBench(main);
