import { say } from '../lib/output.js';
import { rounded, summarize } from '../lib/stats.js';
import { cannon } from './cannon.js';
import { type DirectTargets, fetchHomeDirect } from './direct.js';

/**
 * The load generator, run as its own process so that it does not share an event loop with the
 * mesh it measures. It reads a {@link LoadPlan} (JSON, first argument), runs every load in turn,
 * and prints the results as one JSON line on stdout; progress goes to stderr.
 */

/** What the parent asks for. */
export interface LoadPlan {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  gatewayUrl: string;
  direct: DirectTargets;
  /** Users the requests take turns with. */
  userIds: string[];
  /** Recommendations per Home, as the operation's default. */
  first: number;
  operations: { withGeneration: string; withoutGeneration: string };
  /**
   * When present, only the gateway comparison runs: the mesh's gateway and each of these, by
   * name, in `rounds` rounds of `durationSeconds / rounds` each, the order turning every round,
   * so load from elsewhere on the machine falls on every gateway alike.
   */
  compare?: { gateways: Record<string, string>; rounds: number };
}

/** One measured load. */
export interface LoadRun {
  connections: number;
  client: 'autocannon' | 'fetch';
  /** `gateway` is the mesh's own; other names are the gateways of a comparison. */
  target: 'gateway' | 'subgraphs' | (string & {});
  generation: boolean;
  requests: number;
  failed: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: ReturnType<typeof summarize>;
}

function checkLoopback(url: string): void {
  const { hostname } = new URL(url);
  if (hostname !== '127.0.0.1' && hostname !== 'localhost' && hostname !== '[::1]') {
    throw new Error(`load only goes to this machine's loopback, not ${url}`);
  }
}

async function autocannonRun(
  plan: LoadPlan,
  operation: string,
  generation: boolean,
  seconds: number,
): Promise<LoadRun> {
  const latencies: number[] = [];
  const result = await cannon(
    { url: plan.gatewayUrl, operation, userIds: plan.userIds, first: plan.first },
    plan.connections,
    seconds,
    (statusCode, ms) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(ms);
    },
  );
  const failed = result.errors + result.timeouts + result.non2xx;
  return {
    connections: plan.connections,
    client: 'autocannon',
    target: 'gateway',
    generation,
    requests: latencies.length,
    failed,
    seconds: result.duration,
    requestsPerSecond: latencies.length / result.duration,
    latencyMs: summarize(latencies),
  };
}

/** A closed loop: each of `connections` workers sends its next request when the last answers. */
async function fetchLoop(
  connections: number,
  seconds: number,
  once: (turn: number) => Promise<void>,
): Promise<{ latencies: number[]; failed: number; seconds: number }> {
  const latencies: number[] = [];
  let failed = 0;
  let turn = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const at = performance.now();
        try {
          await once(turn++);
          latencies.push(performance.now() - at);
        } catch {
          failed += 1;
        }
      }
    }),
  );
  return { latencies, failed, seconds: (performance.now() - started) / 1000 };
}

function fetchOnce(
  plan: LoadPlan,
  target: string,
  generation: boolean,
): (turn: number) => Promise<void> {
  const operation = generation ? plan.operations.withGeneration : plan.operations.withoutGeneration;
  const userOf = (turn: number) => plan.userIds[turn % plan.userIds.length]!;
  const url = target === 'gateway' ? plan.gatewayUrl : plan.compare?.gateways[target];
  return target !== 'subgraphs'
    ? async (turn: number) => {
        if (url === undefined) throw new Error(`no gateway ${target}`);
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: operation,
            variables: { userId: userOf(turn), first: plan.first },
          }),
        });
        const body = (await response.json()) as { errors?: unknown };
        if (!response.ok || body.errors !== undefined) throw new Error('gateway error');
      }
    : async (turn: number) => {
        await fetchHomeDirect(plan.direct, userOf(turn), plan.first, generation);
      };
}

async function fetchRun(
  plan: LoadPlan,
  target: 'gateway' | 'subgraphs',
  generation: boolean,
  seconds: number,
): Promise<LoadRun> {
  const loop = await fetchLoop(plan.connections, seconds, fetchOnce(plan, target, generation));
  return {
    connections: plan.connections,
    client: 'fetch',
    target,
    generation,
    requests: loop.latencies.length,
    failed: loop.failed,
    seconds: loop.seconds,
    requestsPerSecond: loop.latencies.length / loop.seconds,
    latencyMs: summarize(loop.latencies),
  };
}

/**
 * The mesh's gateway, the compared ones and the subgraphs straight, fetch client, each with and
 * without generation: every pair warmed up, then measured in rounds whose order turns, so a
 * change in the machine's load falls on every pair alike; latencies pooled per pair.
 */
async function compareGateways(
  plan: LoadPlan,
  compare: NonNullable<LoadPlan['compare']>,
  log: (line: string) => void,
): Promise<LoadRun[]> {
  const pairs = ['gateway', ...Object.keys(compare.gateways), 'subgraphs'].flatMap((target) =>
    [true, false].map((generation) => ({ target, generation })),
  );
  for (const { target, generation } of pairs) {
    await fetchLoop(plan.connections, plan.warmupSeconds, fetchOnce(plan, target, generation));
  }
  const pooled = pairs.map(() => ({ latencies: [] as number[], failed: 0, seconds: 0 }));
  for (let round = 0; round < compare.rounds; round++) {
    for (let i = 0; i < pairs.length; i++) {
      const at = (i + round * 3) % pairs.length;
      const { target, generation } = pairs[at]!;
      const loop = await fetchLoop(
        plan.connections,
        plan.durationSeconds / compare.rounds,
        fetchOnce(plan, target, generation),
      );
      const into = pooled[at]!;
      into.latencies.push(...loop.latencies);
      into.failed += loop.failed;
      into.seconds += loop.seconds;
    }
  }
  return pairs.map(({ target, generation }, i) => {
    const { latencies, failed, seconds } = pooled[i]!;
    const run: LoadRun = {
      connections: plan.connections,
      client: 'fetch',
      target,
      generation,
      requests: latencies.length,
      failed,
      seconds,
      requestsPerSecond: latencies.length / seconds,
      latencyMs: rounded(summarize(latencies), 2),
    };
    log(
      `compare ${plan.connections} conn, ${target}, ${generation ? 'with' : 'without'} generation: ${run.requestsPerSecond.toFixed(0)} Home/s, p50 ${run.latencyMs.p50.toFixed(1)} ms, ${failed} failed`,
    );
    return run;
  });
}

async function main(): Promise<void> {
  const plan = JSON.parse(process.argv[2] ?? '{}') as LoadPlan;
  for (const url of [plan.gatewayUrl, ...Object.values(plan.direct)]) checkLoopback(url);
  const log = (line: string) => process.stderr.write(`serve: ${line}\n`);
  if (plan.compare !== undefined) {
    for (const url of Object.values(plan.compare.gateways)) checkLoopback(url);
    say(JSON.stringify({ runs: await compareGateways(plan, plan.compare, log) }));
    return;
  }
  const runs: LoadRun[] = [];
  for (const generation of [true, false]) {
    const operation = generation
      ? plan.operations.withGeneration
      : plan.operations.withoutGeneration;
    const label = generation ? 'with generation' : 'without generation';
    // Warm-up: JIT, connection pools and generation caches, measured and thrown away.
    await autocannonRun(plan, operation, generation, plan.warmupSeconds);
    await fetchRun(plan, 'subgraphs', generation, plan.warmupSeconds);
    for (const run of [
      () => autocannonRun(plan, operation, generation, plan.durationSeconds),
      () => fetchRun(plan, 'gateway', generation, plan.durationSeconds),
      () => fetchRun(plan, 'subgraphs', generation, plan.durationSeconds),
    ]) {
      const result = await run();
      log(
        `${plan.connections} conn, ${result.client} -> ${result.target}, ${label}: ${result.requestsPerSecond.toFixed(0)} Home/s, p50 ${result.latencyMs.p50.toFixed(1)} ms, ${result.failed} failed`,
      );
      runs.push({ ...result, latencyMs: rounded(result.latencyMs, 2) });
    }
  }
  say(JSON.stringify({ runs }));
}

await main();
