import { say } from '../lib/output.js';
import { type LatencySummary, rounded, summarize } from '../lib/stats.js';

/**
 * The ingest flood of bench:overload, its own process so that it does not share an event loop
 * with the mesh: `connections` producers post batches of `batchSize` events to the events
 * service's REST door as fast as they are answered, for `seconds`, never waiting out a
 * `Retry-After` (a flood that ignores the hint is the hard case for the bound). It samples
 * the profile updater's lag meanwhile. One JSON line on stdout.
 */

/** What the parent asks for. */
export interface FloodPlan {
  /** `POST /v1/events` of the events service. */
  eventsUrl: string;
  /** The profiles service's `/metrics` (its `tailor_consumer_lag_events`). */
  profilesMetricsUrl: string;
  connections: number;
  batchSize: number;
  seconds: number;
  itemIds: string[];
  users: number;
}

/** What the flood saw. */
export interface FloodRun {
  seconds: number;
  batches: { accepted: number; refused: number; other: number };
  acceptedEventsPerSecond: number;
  /** Refusals (429) that carried a Retry-After header. */
  refusalsWithRetryAfter: number;
  accepted: LatencySummary;
  refused: LatencySummary;
  /** Largest lag read from the profiles service during the flood, and how many reads. */
  maxLagEvents: number;
  lagSamples: number;
  statuses: Record<string, number>;
}

async function lagOf(metricsUrl: string): Promise<number | undefined> {
  const text = await (await fetch(metricsUrl)).text();
  const found = /^tailor_consumer_lag_events\{[^}]*group="profiles"[^}]*\} (\d+)/m.exec(text);
  return found === null ? undefined : Number(found[1]);
}

async function main(): Promise<void> {
  const plan = JSON.parse(process.argv[2] ?? '{}') as FloodPlan;
  for (const url of [plan.eventsUrl, plan.profilesMetricsUrl]) {
    const { hostname } = new URL(url);
    if (hostname !== '127.0.0.1' && hostname !== 'localhost') {
      throw new Error(`load only goes to this machine's loopback, not ${url}`);
    }
  }
  const ends = performance.now() + plan.seconds * 1000;
  const accepted: number[] = [];
  const refused: number[] = [];
  const statuses: Record<string, number> = {};
  let other = 0;
  let withRetryAfter = 0;
  let turn = 0;
  const body = () =>
    JSON.stringify(
      Array.from({ length: plan.batchSize }, () => {
        turn += 1;
        return {
          userId: `flood-${turn % plan.users}`,
          itemId: plan.itemIds[turn % plan.itemIds.length],
          type: 'view',
        };
      }),
    );
  const producer = async () => {
    while (performance.now() < ends) {
      const started = performance.now();
      try {
        const response = await fetch(plan.eventsUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: body(),
        });
        await response.arrayBuffer();
        const ms = performance.now() - started;
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        if (response.status === 202) accepted.push(ms);
        else if (response.status === 429) {
          refused.push(ms);
          if (response.headers.get('retry-after') !== null) withRetryAfter += 1;
        } else other += 1;
      } catch {
        other += 1;
      }
    }
  };
  let maxLag = 0;
  let samples = 0;
  const sampler = async () => {
    while (performance.now() < ends) {
      const lag = await lagOf(plan.profilesMetricsUrl).catch(() => undefined);
      if (lag !== undefined) {
        maxLag = Math.max(maxLag, lag);
        samples += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const started = performance.now();
  await Promise.all([...Array.from({ length: plan.connections }, producer), sampler()]);
  const seconds = (performance.now() - started) / 1000;
  say(
    JSON.stringify({
      seconds: Number(seconds.toFixed(1)),
      batches: { accepted: accepted.length, refused: refused.length, other },
      acceptedEventsPerSecond: Number(((accepted.length * plan.batchSize) / seconds).toFixed(0)),
      refusalsWithRetryAfter: withRetryAfter,
      accepted: rounded(summarize(accepted), 1),
      refused: rounded(summarize(refused), 1),
      maxLagEvents: maxLag,
      lagSamples: samples,
      statuses,
    } satisfies FloodRun),
  );
}

await main();
