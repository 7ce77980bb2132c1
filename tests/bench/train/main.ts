import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import {
  DEFAULT_EVENT_WEIGHTS,
  DEFAULT_RECENT_TASTE,
  eventWeight,
  foldInBasis,
  tasteVector,
} from '@tailor/kit';
import {
  DEFAULT_TRAINING,
  type IndexedPair,
  interactionMatrix,
  trainFactors,
  type TrainingSettings,
} from '@tailor/trainer';

import { runHeader } from '../lib/machine.js';
import { fixed, grouped, printTable, runBench, say } from '../lib/output.js';
import { REPO_ROOT, writeResults } from '../lib/paths.js';
import { seededRandom } from '../lib/random.js';
import { msSince, summarize } from '../lib/stats.js';
import { DEFAULT_DATA_DIR, loadMovieLens } from '../quality/movielens.js';

const USAGE = `usage: npm run bench:train -- [--sizes ml,1m,10m] [--dimension k] [--epochs n]
  Trains the collaborative model on MovieLens (ml) and on synthetic logs of 1M and 10M
  interactions, reporting training time and peak memory, and times one fold-in per event.`;

interface Workload {
  name: string;
  users: number;
  items: number;
  pairs: IndexedPair[];
}

function movieLens(): Workload {
  const data = loadMovieLens(DEFAULT_DATA_DIR);
  const users = new Map<string, number>();
  const items = new Map<string, number>();
  const pairs: IndexedPair[] = [];
  for (const r of data.ratings) {
    const weight = eventWeight({ type: 'rating', value: r.rating }, DEFAULT_EVENT_WEIGHTS);
    if (weight === 0) continue;
    const user = users.get(r.userId) ?? users.size;
    users.set(r.userId, user);
    const item = items.get(r.itemId) ?? items.size;
    items.set(r.itemId, item);
    pairs.push({ user, item, weight });
  }
  return { name: 'ml-latest-small', users: users.size, items: items.size, pairs };
}

/** Users with 100 distinct items each on average, item popularity Zipf-like (s ≈ 1). */
function synthetic(name: string, interactions: number, items: number): Workload {
  const random = seededRandom(interactions);
  const perUser = 100;
  const users = Math.ceil(interactions / perUser);
  const pairs: IndexedPair[] = [];
  const seen = new Set<number>();
  for (let user = 0; user < users; user += 1) {
    seen.clear();
    while (seen.size < perUser) {
      // Inverse of the Zipf CDF, approximately: rank = items^u.
      const item = Math.min(items - 1, Math.floor(items ** random()) - 1);
      if (seen.has(item)) continue;
      seen.add(item);
      pairs.push({ user, item, weight: random() < 0.1 ? -2 : random() < 0.5 ? 2 : 4 });
    }
  }
  return { name, users, items, pairs };
}

interface TrainRow {
  workload: string;
  users: number;
  items: number;
  interactions: number;
  epochs: number;
  trainSeconds: number;
  secondsPerEpoch: number;
  peakRssMiB: number;
  rssGrowthMiB: number;
  foldInMs: Record<string, ReturnType<typeof summarize>>;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: 'ml,1m,10m' },
      dimension: { type: 'string' },
      epochs: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return say(USAGE);
  const settings: TrainingSettings = {
    ...DEFAULT_TRAINING,
    dimension: Number(values.dimension ?? 128),
    epochs: Number(values.epochs ?? DEFAULT_TRAINING.epochs),
  };
  const builders: Record<string, () => Workload> = {
    ml: movieLens,
    '1m': () => synthetic('synthetic 1M', 1_000_000, 20_000),
    '10m': () => synthetic('synthetic 10M', 10_000_000, 50_000),
  };
  const rows: TrainRow[] = [];
  for (const size of (values.sizes ?? '').split(',')) {
    const build = builders[size];
    if (build === undefined) throw new Error(`--sizes: unknown size ${size}`);
    const workload = build();
    say(
      `${workload.name}: ${grouped(workload.users)} users, ${grouped(workload.items)} items, ${grouped(workload.pairs.length)} interactions`,
    );
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sample = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 50);
    const started = process.hrtime.bigint();
    const matrix = interactionMatrix(workload.users, workload.items, workload.pairs);
    const epochMs: number[] = [];
    let last = process.hrtime.bigint();
    const model = trainFactors(matrix, settings, (epoch, loss) => {
      epochMs.push(msSince(last));
      last = process.hrtime.bigint();
      say(`  epoch ${epoch}: loss ${loss.toExponential(4)}`);
    });
    const trainMs = msSince(started);
    clearInterval(sample);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);

    // One fold-in per event, as the profile updater does it: the user's taste vector (the whole
    // history and the newest few, DEFAULT_RECENT_TASTE) against the model's shared basis, which
    // the updater computes once per model version and so is left out of the timing.
    const k = settings.dimension;
    const basis = foldInBasis(settings, k, model.gram);
    const foldMs: Record<string, ReturnType<typeof summarize>> = {};
    for (const n of [50, 200, 500]) {
      const times: number[] = [];
      for (let trial = 0; trial < 200; trial += 1) {
        const pairs = Array.from({ length: n }, (_, j) => {
          const i = (trial * 7919 + j * 104_729) % workload.items;
          return { weight: 4, factors: model.itemFactors.subarray(i * k, i * k + k) };
        });
        const t0 = process.hrtime.bigint();
        tasteVector(
          {
            params: settings,
            dimension: k,
            gram: model.gram,
            otherSide: workload.items,
            pairs,
            basis,
          },
          DEFAULT_RECENT_TASTE,
        );
        times.push(msSince(t0));
      }
      foldMs[`${n} interactions`] = summarize(times);
    }
    rows.push({
      workload: workload.name,
      users: workload.users,
      items: workload.items,
      interactions: workload.pairs.length,
      epochs: settings.epochs,
      trainSeconds: trainMs / 1000,
      secondsPerEpoch: summarize(epochMs).p50 / 1000,
      peakRssMiB: peakRss / 2 ** 20,
      rssGrowthMiB: (peakRss - rssBefore) / 2 ** 20,
      foldInMs: foldMs,
    });
  }
  say();
  printTable(
    [
      'workload',
      'interactions',
      'train s',
      's/epoch',
      'peak RSS MiB',
      'fold-in p50 ms (50/200/500)',
    ],
    rows.map((r) => [
      r.workload,
      grouped(r.interactions),
      fixed(r.trainSeconds, 1),
      fixed(r.secondsPerEpoch, 2),
      fixed(r.peakRssMiB, 0),
      Object.values(r.foldInMs)
        .map((s) => fixed(s.p50, 2))
        .join(' / '),
    ]),
  );
  // Sizes run separately (10M takes long) keep the other sizes' rows of the last runs.
  const previous = path.join(REPO_ROOT, 'tests', 'bench', 'results', 'train.json');
  const kept = existsSync(previous)
    ? (
        (JSON.parse(readFileSync(previous, 'utf8')) as { rows?: { workload: string }[] }).rows ?? []
      ).filter((row) => !rows.some((r) => r.workload === row.workload))
    : [];
  const file = writeResults('train', {
    ...runHeader('train'),
    settings,
    rows: [...kept, ...rows],
  });
  say(`written ${path.relative(REPO_ROOT, file)}`);
}

runBench(main);
