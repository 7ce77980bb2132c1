import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { waitFor } from '@tailor/kit/testing';
import { DEMO_USERS } from '@tailor/mesh';

import { startTestMesh } from '../../e2e/harness.js';
import { runJsonChild } from '../lib/child.js';
import { postGraphql } from '../lib/graphql.js';
import { runHeader } from '../lib/machine.js';
import { fixed, grouped, printTable, runBench, say } from '../lib/output.js';
import { readResults, REPO_ROOT, writeResults } from '../lib/paths.js';
import { dropPrefixed } from '../lib/qdrant.js';
import { msSince } from '../lib/stats.js';
import { LINK_DELAY_MS, printBreakdown, runBreakdown } from './breakdown.js';
import { fetchHomeDirect } from './direct.js';
import {
  ALTERNATIVE_GATEWAYS,
  type AlternativeGateway,
  answerDifference,
  startAlternativeGateways,
} from './gateways.js';
import { homeOperation, withoutGeneration } from './home.js';
import type { LoadPlan, LoadRun } from './load.js';
import {
  measureOverload,
  type OverloadOptions,
  overloadResults,
  printOverload,
} from './overload.js';
import { runScaleCurve, type ScalePoint, type ScaleStore } from './scale.js';

const USAGE = `usage: npm run bench:serve -- [--duration <s>] [--connections <n,n>] [--repeats <n>] [--stores <s,s>] [--skip-scale | --only-scale] [--overload-connections <n,n>] [--overload-duration <s>] [--skip-overload | --only-overload] [--only-breakdown [--breakdown-rounds <n>]] [--gateway-connections <n>] [--skip-gateways]
  --duration     seconds of each measured load (default 10; a warm-up of 3 s goes first)
  --connections  concurrent connections (client loops) of each load level, comma-separated
                 (default 1,8: one request at a time, then enough to keep both cores busy)
  --repeats      requests per catalog size of the scale curve (default 200)
  --stores       vector stores of the scale curve (default embedded,qdrant; qdrant runs against
                 QDRANT_URL, e.g. from infra/qdrant/start.sh, and is left out with a note without it)
  --skip-scale   only the Home query loads
  --only-scale   only the scale curve (embedded: 1k, 10k, 30k, 100k items; qdrant: 1k, 10k, 100k)
                 and its ratios; the other figures of results/serve.json stay
  --overload-connections  connections of the overload rows (default 128,512), Home with
                 generation past saturation, on a gateway without and with admission control
  --overload-duration     seconds of each overload load (default 10)
  --skip-overload         no overload rows
  --only-overload         only the overload rows; the other figures of results/serve.json stay
  --only-breakdown        only where one recommendation's time goes, each store at 1k items and
                          Qdrant again with the guessed batch on, both again through a proxy
                          that delays each chunk 1 ms each way (the store calls, Qdrant's own
                          time, the wire, JSON, the recommender's work) and the content query in
                          a few shapes; written as \`breakdown\`, the other figures stay
  --breakdown-rounds      recommendations per store of the breakdown (default 300)
  --gateway-connections   connections of the gateway comparison on the embedded mesh (default 8):
                          the mesh's gateway, bare Apollo Gateway, Hive Gateway and Hive Gateway
                          with the Hive Router planner on the same supergraph, answers checked equal
  --skip-gateways         no gateway comparison`;

const LOAD_SCRIPT = fileURLToPath(new URL('./load.js', import.meta.url));
const FIRST = 5;
/** Rounds of the gateway comparison: each gateway gets `--duration` in all, split over them. */
const GATEWAY_ROUNDS = 3;

interface HomeCheck {
  user: {
    profile: { eventCount: number };
    recommendations: { strategy: string; items: { description?: { text: string } }[] };
  };
}

/** A load run of the Home query on one vector store. */
type HomeRun = LoadRun & { store: ScaleStore };

/** The mesh's gateway beside the other gateways on the same supergraph (see gateways.ts). */
interface GatewayComparison {
  connections: number;
  rounds: number;
  /** Per compared gateway: every demo user's Home answer the same as the mesh gateway's. */
  answersEqual: Record<AlternativeGateway, boolean>;
  runs: LoadRun[];
}

async function compareGateways(
  gatewayUrl: string,
  subgraphUrls: Record<string, string>,
  plan: LoadPlan,
  rounds: number,
): Promise<GatewayComparison> {
  const alternatives = await startAlternativeGateways(
    readFileSync(path.join(REPO_ROOT, 'graph', 'supergraph.graphql'), 'utf8'),
    subgraphUrls,
  );
  try {
    const answersEqual = {} as Record<AlternativeGateway, boolean>;
    for (const name of ALTERNATIVE_GATEWAYS) {
      for (const userId of plan.userIds) {
        const variables = { userId, first: plan.first };
        const ours = await postGraphql(gatewayUrl, plan.operations.withGeneration, variables);
        const theirs = await postGraphql(
          alternatives.urls[name],
          plan.operations.withGeneration,
          variables,
        );
        const difference = answerDifference(ours, theirs);
        if (difference !== undefined) {
          throw new Error(`${name} answers Home for ${userId} differently: ${difference}`);
        }
      }
      answersEqual[name] = true;
    }
    say(
      `gateways compared at ${plan.connections} connections: ${ALTERNATIVE_GATEWAYS.join(', ')} answer every demo user's Home as the mesh's gateway does`,
    );
    const { runs } = await runJsonChild<{ runs: LoadRun[] }>(LOAD_SCRIPT, {
      ...plan,
      compare: { gateways: alternatives.urls, rounds },
    });
    return { connections: plan.connections, rounds, answersEqual, runs };
  } finally {
    await alternatives.close();
  }
}

async function measureHome(
  store: ScaleStore,
  qdrantUrl: string | undefined,
  durationSeconds: number,
  levels: readonly number[],
  comparison?: { connections: number; rounds: number },
): Promise<{ runs: HomeRun[]; comparison?: GatewayComparison }> {
  const prefix = `bench-home-${process.pid}-`;
  const mesh = await startTestMesh(
    store === 'qdrant'
      ? { VECTOR_STORE: 'qdrant', QDRANT_URL: qdrantUrl ?? '', QDRANT_COLLECTION_PREFIX: prefix }
      : {},
  );
  try {
    const { gatewayUrl, subgraphUrls } = mesh.mesh;
    const userIds = DEMO_USERS.map((user) => user.id);
    const withGeneration = homeOperation();
    const lean = withoutGeneration(withGeneration);
    // The demo users' histories are consumed in the background: wait until every one has a
    // personalized list, so the load measures the steady state rather than cold starts.
    for (const userId of userIds) {
      await waitFor(
        async () => {
          const data = await postGraphql<HomeCheck>(gatewayUrl, lean, { userId, first: FIRST });
          return data.user.recommendations.strategy === 'PERSONALIZED';
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
    }
    const full = await postGraphql<HomeCheck>(gatewayUrl, withGeneration, {
      userId: userIds[0],
      first: FIRST,
    });
    const picks = full.user.recommendations.items;
    if (picks.length !== FIRST || picks.some((pick) => (pick.description?.text ?? '') === '')) {
      throw new Error(
        `Home with generation came back incomplete: ${JSON.stringify(full).slice(0, 300)}`,
      );
    }
    const direct = {
      profiles: subgraphUrls.profiles,
      recommender: subgraphUrls.recommender,
      catalog: subgraphUrls.catalog,
      generation: subgraphUrls.generation,
    };
    if ((await fetchHomeDirect(direct, userIds[0]!, FIRST, true)) !== FIRST) {
      throw new Error('the direct subgraph path did not return a full list');
    }
    say(
      `${store} mesh up at ${gatewayUrl}; ${userIds.length} demo users personalized; load: ${durationSeconds} s per run at ${levels.join(' and ')} connections`,
    );
    const runs: LoadRun[] = [];
    const planAt = (connections: number): LoadPlan => ({
      durationSeconds,
      warmupSeconds: 3,
      connections,
      gatewayUrl,
      direct,
      userIds,
      first: FIRST,
      operations: { withGeneration, withoutGeneration: lean },
    });
    for (const connections of levels) {
      runs.push(
        ...(await runJsonChild<{ runs: LoadRun[] }>(LOAD_SCRIPT, planAt(connections))).runs,
      );
    }
    const compared =
      comparison === undefined
        ? undefined
        : await compareGateways(
            gatewayUrl,
            subgraphUrls,
            planAt(comparison.connections),
            comparison.rounds,
          );
    return {
      runs: runs.map((run) => ({ ...run, store })),
      ...(compared === undefined ? {} : { comparison: compared }),
    };
  } finally {
    await mesh.destroy();
    if (store === 'qdrant' && qdrantUrl !== undefined) await dropPrefixed(qdrantUrl, prefix);
  }
}

function overhead(
  runs: readonly HomeRun[],
  store: ScaleStore,
  connections: number,
  generation: boolean,
) {
  const of = (target: LoadRun['target']) =>
    runs.find(
      (r) =>
        r.store === store &&
        r.connections === connections &&
        r.client === 'fetch' &&
        r.target === target &&
        r.generation === generation,
    );
  const gateway = of('gateway');
  const direct = of('subgraphs');
  if (gateway === undefined || direct === undefined) return undefined;
  return {
    store,
    connections,
    generation,
    p50: gateway.latencyMs.p50 / direct.latencyMs.p50,
    p95: gateway.latencyMs.p95 / direct.latencyMs.p95,
    p99: gateway.latencyMs.p99 / direct.latencyMs.p99,
    throughput: gateway.requestsPerSecond / direct.requestsPerSecond,
  };
}

/** The comparison as written: its runs, and each gateway over bare Apollo Gateway. */
function comparisonResults(comparison: GatewayComparison) {
  const of = (target: string, generation: boolean) =>
    comparison.runs.find((r) => r.target === target && r.generation === generation);
  const over = (target: string, base: string, generation: boolean) => {
    const a = of(target, generation);
    const b = of(base, generation);
    if (a === undefined || b === undefined) return null;
    const r = (x: number, y: number) => Number((x / y).toFixed(3));
    return {
      p50: r(a.latencyMs.p50, b.latencyMs.p50),
      p99: r(a.latencyMs.p99, b.latencyMs.p99),
      throughput: r(a.requestsPerSecond, b.requestsPerSecond),
    };
  };
  const ratios = Object.fromEntries(
    [true, false].flatMap((generation) =>
      ['gateway', 'hive', 'hive-router'].map((target) => [
        `${target === 'gateway' ? 'meshGateway' : target === 'hive' ? 'hive' : 'hiveRouter'}ToApolloBare${generation ? '' : 'WithoutGeneration'}`,
        over(target, 'apollo-bare', generation),
      ]),
    ),
  );
  return {
    what: `the full Home (with generation) and the same without the generation fields, fetch client, closed loop, ${comparison.connections} connections, embedded mesh: gateway = the mesh's own (GATEWAY_ENGINE, hive-router unless set: Hive Gateway with the Hive Router planner, with Tailor's edge limits, auth, admission and header hooks); apollo-bare = Apollo Gateway in a plain Apollo Server; hive = Hive Gateway (@graphql-hive/gateway-runtime); hive-router = Hive Gateway with the Hive Router query planner (@graphql-hive/router-runtime). All in the mesh's process, on the same supergraph and subgraphs; every demo user's Home answer checked equal to the mesh gateway's first (list ids not compared, numbers within a relative 1e-4: weights and scores decay to the moment asked). Each gateway ${comparison.rounds} rounds, the order turning each round, latencies pooled. ratios: each over apollo-bare (p50 and p99: lower is faster; throughput: higher is faster)`,
    measured: runHeader('serve'),
    connections: comparison.connections,
    rounds: comparison.rounds,
    answersEqual: comparison.answersEqual,
    runs: comparison.runs,
    ratios,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '1,8' },
      repeats: { type: 'string', default: '200' },
      stores: { type: 'string', default: 'embedded,qdrant' },
      'skip-scale': { type: 'boolean', default: false },
      'only-scale': { type: 'boolean', default: false },
      'overload-connections': { type: 'string', default: '128,512' },
      'overload-duration': { type: 'string', default: '10' },
      'skip-overload': { type: 'boolean', default: false },
      'only-overload': { type: 'boolean', default: false },
      'only-breakdown': { type: 'boolean', default: false },
      'breakdown-rounds': { type: 'string', default: '300' },
      'gateway-connections': { type: 'string', default: '8' },
      'skip-gateways': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    say(USAGE);
    return;
  }
  const durationSeconds = Number(values.duration);
  const levels = values.connections.split(',').map((level) => Number(level.trim()));
  const repeats = Number(values.repeats);
  const gatewayConnections = Number(values['gateway-connections']);
  for (const [flag, value] of [
    ['duration', durationSeconds],
    ...levels.map((level) => ['connections', level] as const),
    ['repeats', repeats],
    ['breakdown-rounds', Number(values['breakdown-rounds'])],
    ['gateway-connections', gatewayConnections],
  ] as const) {
    if (!(Number.isInteger(value) && value > 0))
      throw new Error(`--${flag} must be whole numbers above 0`);
  }
  const stores = values.stores.split(',').map((store) => store.trim());
  for (const store of stores) {
    if (store !== 'embedded' && store !== 'qdrant')
      throw new Error(`--stores takes embedded and qdrant, got ${JSON.stringify(store)}`);
  }
  const qdrantUrl = process.env.QDRANT_URL?.trim() || undefined;
  const scaleStores = stores.filter(
    (store): store is ScaleStore =>
      store === 'embedded' || (store === 'qdrant' && qdrantUrl !== undefined),
  );
  const overloadOptions: OverloadOptions = {
    connections: values['overload-connections'].split(',').map((level) => Number(level.trim())),
    loadSeconds: Number(values['overload-duration']),
  };
  for (const value of [...overloadOptions.connections, overloadOptions.loadSeconds]) {
    if (!(Number.isInteger(value) && value > 0))
      throw new Error(
        '--overload-connections and --overload-duration must be whole numbers above 0',
      );
  }
  const runStarted = process.hrtime.bigint();
  say('Tailor serve bench');
  if (values['only-overload']) {
    const overload = await measureOverload(overloadOptions);
    say();
    printOverload(overload);
    const file = writeResults('serve', {
      ...readResults('serve'),
      overload: overloadResults(overloadOptions, overload),
    });
    say(`overload rows written to ${path.relative(REPO_ROOT, file)}`);
    return;
  }

  if (stores.includes('qdrant') && qdrantUrl === undefined) {
    say('Qdrant rows NOT RUN: QDRANT_URL is not set (bash infra/qdrant/start.sh)');
  }
  if (values['only-breakdown']) {
    const rounds = Number(values['breakdown-rounds']);
    const breakdown = await runBreakdown(scaleStores, rounds, qdrantUrl, say);
    say();
    printBreakdown(breakdown);
    const file = writeResults('serve', {
      ...readResults('serve'),
      breakdown: {
        what: `one recommendations(first: 10) on the recommender subgraph over loopback, each store at 1k items (the scale curve's point), one user asking again and again: as it runs by default (the profile kept from the user's last list: one store call), again with the profile read on every list ('profile read', RECOMMENDER_PROFILE_CACHE_USERS=0: the two calls of a user who acted since their last list), and on Qdrant that once more with RECOMMENDER_PROFILE_GUESS=true and one event of the user heard before the lists that the profile never holds ('guessed': every list reads the profile, and the batch of the profile the cache keeps to guess by is sent beside that read; off by default), the Qdrant variants again 'over a link' (through a proxy in its own process that holds every chunk ${LINK_DELAY_MS} ms each way: a network's idle wait, which loopback on two busy cores cannot show), the variants alternating; request = the whole request; build = the recommender's own duration histogram (mean); graphql = request minus build; store = the summed wall time of the list's store calls; recommender work = build minus store (negative when a guessed batch runs beside the profile read, since the store time sums overlapping calls); per Qdrant call: exchange = request created to answer's last byte (Node's http.client.request.start), qdrant = the answer's own \`time\`, wire = exchange minus qdrant, client = adapter call minus exchange, parse/stringify = JSON alone on the captured bodies; shapes = the content query alone on the store, medians; idLookups = the Qdrant adapter's retrieves of _tailorId for hits without payload whose point ids it had not mapped, over the timed lists (this process wrote the items, so it had mapped them all; a recommender that did not pays one per item it has never met, the first time)`,
        measured: runHeader('serve'),
        ...breakdown,
      },
    });
    say(`breakdown written to ${path.relative(REPO_ROOT, file)}`);
    return;
  }
  const runs: HomeRun[] = [];
  let comparison: GatewayComparison | undefined;
  if (!values['only-scale']) {
    for (const store of scaleStores) {
      const home = await measureHome(
        store,
        qdrantUrl,
        durationSeconds,
        levels,
        store === 'embedded' && !values['skip-gateways']
          ? { connections: gatewayConnections, rounds: GATEWAY_ROUNDS }
          : undefined,
      );
      runs.push(...home.runs);
      comparison ??= home.comparison;
    }
  }
  const overheads = scaleStores
    .flatMap((store) =>
      levels.flatMap((level) => [
        overhead(runs, store, level, true),
        overhead(runs, store, level, false),
      ]),
    )
    .filter((o) => o !== undefined);

  let scale: ScalePoint[] = [];
  if (!values['skip-scale']) {
    say(`scale curve of the vector stores (${scaleStores.join(', ')}):`);
    scale = await runScaleCurve(scaleStores, repeats, qdrantUrl, say);
    for (const point of scale) {
      const wire =
        point.wire === undefined
          ? ''
          : `; per list ${point.wire.callsPerList} store calls (${Object.entries(
              point.wire.callsByOperation,
            )
              .map(([op, n]) => `${op} ${n}`)
              .join(
                ', ',
              )}), ${grouped(point.wire.bytesSent)} B sent, ${grouped(point.wire.bytesReceived)} B read`;
      say(
        `  ${point.store} ${grouped(point.items)} items: recommendation p50 ${fixed(point.recommendationMs.p50, 1)} ms${wire}`,
      );
    }
  }
  const overload = values['skip-overload'] ? [] : await measureOverload(overloadOptions);
  const p50Of = (store: ScaleStore, items: number) =>
    scale.find((p) => p.store === store && p.items === items)?.recommendationMs.p50;
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? null : Number((a / b).toFixed(3));
  // The 8-connection Home ratios come from the interleaved rows of the gateway comparison when
  // it ran: the sequential rows drift with the machine's load from one load to the next.
  const interleaved = comparison?.connections === 8 ? comparison.runs : undefined;
  const homeP50 = (
    connections: number,
    target: LoadRun['target'],
    generation: boolean,
    rows: readonly LoadRun[] = runs.filter((r) => r.store === 'embedded'),
  ): number | undefined =>
    rows.find(
      (r) =>
        r.connections === connections &&
        r.client === 'fetch' &&
        r.target === target &&
        r.generation === generation,
    )?.latencyMs.p50;
  const share = (connections: number, rows?: readonly LoadRun[]) => {
    const full = homeP50(connections, 'gateway', true, rows);
    const lean = homeP50(connections, 'gateway', false, rows);
    return full === undefined || lean === undefined
      ? null
      : Number(((full - lean) / full).toFixed(3));
  };
  const homeRatios = (rows?: readonly LoadRun[]) => ({
    gatewayToDirect: ratio(homeP50(8, 'gateway', true, rows), homeP50(8, 'subgraphs', true, rows)),
    gatewayToDirectWithoutGeneration: ratio(
      homeP50(8, 'gateway', false, rows),
      homeP50(8, 'subgraphs', false, rows),
    ),
    generationShareOfHome: share(8, rows),
  });
  const ratios = {
    qdrantToEmbeddedRecommendation1k: ratio(p50Of('qdrant', 1_000), p50Of('embedded', 1_000)),
    qdrant100kTo1kRecommendation: ratio(p50Of('qdrant', 100_000), p50Of('qdrant', 1_000)),
    ...homeRatios(interleaved),
    generationShareOfHome1Connection: share(1),
    homeRatiosFrom: interleaved === undefined ? 'sequential' : 'interleaved',
    sequential: homeRatios(),
  };

  if (runs.length > 0) {
    say();
    printTable(
      [
        'store',
        'conn',
        'client',
        'target',
        'generation',
        'Home/s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'requests',
        'failed',
      ],
      runs.map((r) => [
        r.store,
        r.connections,
        r.client,
        r.target,
        r.generation ? 'with' : 'without',
        fixed(r.requestsPerSecond, 1),
        fixed(r.latencyMs.p50, 2),
        fixed(r.latencyMs.p95, 2),
        fixed(r.latencyMs.p99, 2),
        r.requests,
        r.failed,
      ]),
    );
    say();
    printTable(
      ['gateway / subgraphs (fetch client)', 'store', 'conn', 'p50', 'p95', 'p99', 'Home/s'],
      overheads.map((o) => [
        o.generation ? 'with generation' : 'without generation',
        o.store,
        o.connections,
        `${fixed(o.p50, 2)}x`,
        `${fixed(o.p95, 2)}x`,
        `${fixed(o.p99, 2)}x`,
        `${fixed(o.throughput, 2)}x`,
      ]),
    );
  }
  const compared = comparison === undefined ? undefined : comparisonResults(comparison);
  if (compared !== undefined) {
    say();
    printTable(
      ['gateway (fetch client)', 'conn', 'generation', 'Home/s', 'p50 ms', 'p99 ms', 'failed'],
      compared.runs.map((r) => [
        r.target,
        r.connections,
        r.generation ? 'with' : 'without',
        fixed(r.requestsPerSecond, 1),
        fixed(r.latencyMs.p50, 2),
        fixed(r.latencyMs.p99, 2),
        r.failed,
      ]),
    );
    say(`gateway ratios: ${JSON.stringify(compared.ratios)}`);
  }
  if (scale.length > 0) {
    say();
    printTable(
      [
        'store',
        'items',
        'dim',
        'insert s',
        'search p50',
        'search p95',
        'recommend p50',
        'recommend p95',
        'recommend p99',
        'rss MiB',
      ],
      scale.map((p) => [
        p.store,
        grouped(p.items),
        p.dimension,
        fixed(p.insertSeconds, 1),
        fixed(p.storeSearchMs.p50, 2),
        fixed(p.storeSearchMs.p95, 2),
        fixed(p.recommendationMs.p50, 2),
        fixed(p.recommendationMs.p95, 2),
        fixed(p.recommendationMs.p99, 2),
        p.rssMiB,
      ]),
    );
  }
  if (overload.length > 0) {
    say();
    printOverload(overload);
  }
  const totalSeconds = msSince(runStarted) / 1000;
  const scaleResults = {
    what: "each vector store (embedded in process; qdrant: the server at QDRANT_URL over loopback), synthetic unit vectors; store search = the recommender's content candidate query for a top 10 (100 candidates, in stock, not seen); recommend = recommendations(first: 10) on the recommender subgraph over loopback; wire (Qdrant) = after the timed rounds, 20 recommendations alone: store calls per list from the recommender's metrics (callsByOperation from its counter, which also counts any background read meanwhile) and the TCP bytes per list on Qdrant's port",
    repeats,
    points: scale,
  };
  const ratioResults = {
    what: 'qdrant*: recommend p50 of the scale curve, Qdrant over embedded at 1k items and Qdrant at 100k over Qdrant at 1k. gatewayToDirect*: the full Home (with generation; *WithoutGeneration: without) through the gateway over the same data fetched straight from the subgraphs, p50, fetch client, 8 connections, embedded store. generationShareOfHome*: 1 - (Home without generation) / (Home with generation), gateway p50, fetch client, embedded store, at 8 connections (*1Connection: at 1). The 8-connection ones from the interleaved rows of the gateway comparison (gateways.runs) when it ran (homeRatiosFrom), the same from the sequential rows under sequential. From this run; null where a row did not run',
    ...ratios,
  };
  if (values['only-scale']) {
    // The Home and overload rows of an earlier run stay; the scale curve and its ratios are new.
    const file = writeResults('serve', {
      ...readResults('serve'),
      scale: { ...scaleResults, measured: runHeader('serve') },
      // The Home ratios of the earlier run stay with its Home rows; the scale ones are new.
      ratios: {
        ...(readResults('serve')?.ratios as Record<string, unknown> | undefined),
        what: ratioResults.what,
        qdrantToEmbeddedRecommendation1k: ratios.qdrantToEmbeddedRecommendation1k,
        qdrant100kTo1kRecommendation: ratios.qdrant100kTo1kRecommendation,
      },
    });
    say(`scale rows written to ${path.relative(REPO_ROOT, file)}`);
    return;
  }
  // What this run skipped (a store left out, the scale curve, the overload rows, the gateway
  // comparison, the breakdown) keeps the figures of the run that made them, so a partial run
  // adds to the file.
  const earlier = readResults('serve') ?? {};
  const notRunHere = (row: { store?: unknown }) => !scaleStores.includes(row.store as ScaleStore);
  const earlierRows = (key: string) =>
    Array.isArray(earlier[key]) ? (earlier[key] as { store?: unknown }[]).filter(notRunHere) : [];
  const earlierRatios = (earlier.ratios ?? {}) as Record<string, unknown>;
  const file = writeResults('serve', {
    ...earlier,
    ...runHeader('serve'),
    load: {
      operation:
        'graph/operations/Home.graphql (first: 5); "without generation" drops description, ad and thumbnail',
      durationSeconds,
      warmupSeconds: 3,
      connections: levels,
      users: DEMO_USERS.map((user) => user.id),
      clients:
        'autocannon: the gateway, as a client would; fetch: a closed loop (one request at a time per connection) against the gateway and against the subgraphs in the order of the query plan, so the two compare like for like',
    },
    runs: [...earlierRows('runs'), ...runs],
    gatewayOverhead: [
      ...earlierRows('gatewayOverhead'),
      ...overheads.map((o) => ({
        store: o.store,
        connections: o.connections,
        generation: o.generation,
        p50: Number(o.p50.toFixed(3)),
        p95: Number(o.p95.toFixed(3)),
        p99: Number(o.p99.toFixed(3)),
        throughput: Number(o.throughput.toFixed(3)),
      })),
    ],
    scale: values['skip-scale'] ? (earlier.scale ?? scaleResults) : scaleResults,
    ratios: values['skip-scale']
      ? {
          ...ratioResults,
          qdrantToEmbeddedRecommendation1k: earlierRatios.qdrantToEmbeddedRecommendation1k ?? null,
          qdrant100kTo1kRecommendation: earlierRatios.qdrant100kTo1kRecommendation ?? null,
        }
      : ratioResults,
    ...(overload.length === 0
      ? earlier.overload === undefined
        ? {}
        : { overload: earlier.overload }
      : { overload: overloadResults(overloadOptions, overload) }),
    ...(compared === undefined
      ? earlier.gateways === undefined
        ? {}
        : { gateways: earlier.gateways }
      : { gateways: compared }),
    durationSeconds: Number(totalSeconds.toFixed(1)),
  });
  say();
  say(`written ${path.relative(REPO_ROOT, file)} in ${fixed(totalSeconds, 1)} s total`);
}

runBench(main);
