import { say } from '../lib/output.js';
import { type LatencySummary, rounded, summarize } from '../lib/stats.js';
import { cannon } from './cannon.js';

/**
 * The overload load generator, its own process like load.ts so that it does not share an event
 * loop with the mesh it loads. It reads an {@link OverloadPlan} (JSON, first argument), measures
 * Home on the idle mesh, then at each connection count with the answers sorted by status, and
 * how fast latency comes back after each load stops; one JSON line on stdout.
 */

/** What the parent asks for. */
export interface OverloadPlan {
  gatewayUrl: string;
  /** Users the requests take turns with. */
  userIds: string[];
  first: number;
  operation: string;
  warmupSeconds: number;
  idleSeconds: number;
  loadSeconds: number;
  connections: number[];
  /** Seconds of one-connection requests right after each load. */
  recoverySeconds: number;
}

/** One load, its answers sorted by status. */
export interface OverloadLoad {
  connections: number;
  seconds: number;
  /** 2xx answers per second: the Home pages users got. */
  goodputPerSecond: number;
  accepted: LatencySummary;
  /** 503 answers (the gateway's OVERLOADED refusals). */
  shed: LatencySummary;
  /** Any other status, socket errors and client timeouts (60 s). */
  otherFailures: number;
  /** One connection right after the load stops: p50 of the requests started in its first second. */
  afterLoadFirstSecondP50Ms: number;
  afterLoadFirstSecondRequests: number;
  /** The gateway's `gateway_concurrency_limit` as the load ended (null: no such metric). */
  limitAtEnd: number | null;
}

/** What the generator prints. */
export interface OverloadRun {
  idle: LatencySummary & { perSecond: number };
  loads: OverloadLoad[];
}

interface Sorted {
  accepted: number[];
  shed: number[];
  other: number;
  seconds: number;
}

async function loadAt(plan: OverloadPlan, connections: number, seconds: number): Promise<Sorted> {
  const sorted: Sorted = { accepted: [], shed: [], other: 0, seconds };
  const result = await cannon(
    { url: plan.gatewayUrl, operation: plan.operation, userIds: plan.userIds, first: plan.first },
    connections,
    seconds,
    (statusCode, ms) => {
      if (statusCode >= 200 && statusCode < 300) sorted.accepted.push(ms);
      else if (statusCode === 503) sorted.shed.push(ms);
      else sorted.other += 1;
    },
    // Unbounded queues answer in tens of seconds; count those as answers, not timeouts.
    60,
  );
  sorted.other += result.errors + result.timeouts;
  sorted.seconds = result.duration;
  return sorted;
}

/** One request at a time for `seconds`, each latency with when it started (ms from the start). */
async function probe(plan: OverloadPlan, seconds: number): Promise<{ at: number; ms: number }[]> {
  const started = performance.now();
  const samples: { at: number; ms: number }[] = [];
  let turn = 0;
  while (performance.now() - started < seconds * 1000) {
    const at = performance.now();
    const userId = plan.userIds[turn++ % plan.userIds.length];
    const response = await fetch(plan.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: plan.operation, variables: { userId, first: plan.first } }),
    });
    await response.arrayBuffer();
    if (response.ok) samples.push({ at: at - started, ms: performance.now() - at });
  }
  return samples;
}

async function concurrencyLimit(gatewayUrl: string): Promise<number | null> {
  const metrics = await (await fetch(gatewayUrl.replace(/\/graphql$/, '/metrics'))).text();
  const found = /^gateway_concurrency_limit\{class="default"[^}]*\} (\d+)/m.exec(metrics);
  return found === null ? null : Number(found[1]);
}

async function main(): Promise<void> {
  const plan = JSON.parse(process.argv[2] ?? '{}') as OverloadPlan;
  const { hostname } = new URL(plan.gatewayUrl);
  if (hostname !== '127.0.0.1' && hostname !== 'localhost') {
    throw new Error(`load only goes to this machine's loopback, not ${plan.gatewayUrl}`);
  }
  const log = (line: string) => process.stderr.write(`overload: ${line}\n`);
  await loadAt(plan, 1, plan.warmupSeconds);
  const idle = await loadAt(plan, 1, plan.idleSeconds);
  const idleSummary = summarize(idle.accepted);
  log(`idle: p50 ${idleSummary.p50.toFixed(1)} ms, p99 ${idleSummary.p99.toFixed(1)} ms`);
  const loads: OverloadLoad[] = [];
  for (const connections of plan.connections) {
    const load = await loadAt(plan, connections, plan.loadSeconds);
    const limitAtEnd = await concurrencyLimit(plan.gatewayUrl);
    const after = await probe(plan, plan.recoverySeconds);
    const firstSecond = after.filter((sample) => sample.at < 1000).map((sample) => sample.ms);
    const accepted = summarize(load.accepted);
    loads.push({
      connections,
      seconds: load.seconds,
      goodputPerSecond: Number((load.accepted.length / load.seconds).toFixed(1)),
      accepted: rounded(accepted, 1),
      shed: rounded(summarize(load.shed), 1),
      otherFailures: load.other,
      afterLoadFirstSecondP50Ms: Number(summarize(firstSecond).p50.toFixed(1)),
      afterLoadFirstSecondRequests: firstSecond.length,
      limitAtEnd,
    });
    log(
      `${connections} conn: ${(load.accepted.length / load.seconds).toFixed(0)} Home/s accepted, p99 ${accepted.p99.toFixed(0)} ms, ${load.shed.length} shed, ${load.other} other failures`,
    );
  }
  say(
    JSON.stringify({
      idle: {
        ...rounded(idleSummary, 1),
        perSecond: Number((idle.accepted.length / idle.seconds).toFixed(1)),
      },
      loads,
    } satisfies OverloadRun),
  );
}

await main();
