import { createHash } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { profileSettings } from '@tailor/profiles';
import { trainingSettings } from '@tailor/trainer';

import { benchConfig } from '../lib/config.js';
import { runHeader } from '../lib/machine.js';
import { fixed, grouped, printTable, runBench, say } from '../lib/output.js';
import { REPO_ROOT, resolveFromCwd, writeResults } from '../lib/paths.js';
import { msSince, rounded, summarize } from '../lib/stats.js';
import { withTempDir, withTempDirSync } from '../lib/temp.js';
import { runThroughApi } from './api.js';
import { type Baseline, ItemKnn, MostPopular, trainingData } from './baselines.js';
import { modelAblation } from './collaborative.js';
import { QualityAccumulator, type QualityFigures, type UserLists } from './metrics.js';
import { DEFAULT_DATA_DIR, loadMovieLens } from './movielens.js';
import { chooseSetting, ensurePeerPython, type PeerResult, tuneAndRunPeers } from './peers.js';
import { DEFAULT_SPLIT, splitByUser } from './split.js';
import { runTailor } from './tailor.js';

const METRICS = ['HR@10', 'NDCG@10', 'Recall@20', 'MRR@50', 'coverage@10'] as const;

interface Row extends QualityFigures {
  name: string;
  msPerUser: number;
}

const USAGE = `usage: npm run bench:quality -- [--data <dir>] [--results <name>] [--users <n>] [--only-baselines] [--skip-peers] [--via-api] [--env NAME=VALUE ...]
  --data   a MovieLens release in CSV form (movies.csv, ratings.csv, tags.csv); default ${DEFAULT_DATA_DIR}
  --results  the name of the results file in tests/bench/results (default quality, or
             quality-baselines with --only-baselines), so a second release keeps its own
  --users  evaluate only the first n users (by id), for a quick look; default all
  --only-baselines  skip Tailor: only EASE, iALS, ItemKNN and MostPopular (quick)
  --skip-peers      skip EASE and iALS (no Python venv)
  --via-api         also run the product as a new user would (row tailor-api): npm start's mesh
                    on the real clock, movies through upsertItems, the history through
                    npm run import-events, retrainModel, recommendations through the gateway
  --env    a service setting for this run, e.g. --env RECOMMENDER_MMR_LAMBDA=1 (repeatable);
           the services read it exactly as from their environment`;

function parseEnv(pairs: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`--env expects NAME=VALUE, got ${JSON.stringify(pair)}`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

function evaluate(
  name: string,
  lists: (userId: string) => UserLists,
  splits: ReturnType<typeof splitByUser>,
  catalogSize: number,
  msPerUser: number,
): Row {
  const acc = new QualityAccumulator(catalogSize);
  for (const split of splits) acc.add(lists(split.userId), new Set(split.test));
  return { name, ...acc.result(), msPerUser };
}

function runBaseline(model: Baseline, splits: ReturnType<typeof splitByUser>) {
  const lists = new Map<string, UserLists>();
  const started = process.hrtime.bigint();
  for (const split of splits) {
    const top50 = model.rank(split, 50);
    lists.set(split.userId, { top10: top50.slice(0, 10), top20: top50.slice(0, 20), top50 });
  }
  return { lists, msPerUser: msSince(started) / Math.max(splits.length, 1) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      results: { type: 'string' },
      users: { type: 'string' },
      'only-baselines': { type: 'boolean', default: false },
      'skip-peers': { type: 'boolean', default: false },
      'via-api': { type: 'boolean', default: false },
      env: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    say(USAGE);
    return;
  }
  const userLimit = values.users === undefined ? Infinity : Number(values.users);
  if (!(userLimit > 0)) throw new Error(`--users must be a positive number, got ${values.users}`);
  const dataDir = values.data === undefined ? DEFAULT_DATA_DIR : resolveFromCwd(values.data);
  const settings = parseEnv(values.env);
  if (values.results !== undefined && !/^[\w-]{1,60}$/.test(values.results)) {
    throw new Error(
      `--results: expected a file name of letters, digits, - and _, got ${values.results}`,
    );
  }
  const runStarted = process.hrtime.bigint();

  say(`Tailor quality bench: MovieLens at ${dataDir}`);
  if (Object.keys(settings).length > 0) say(`settings: ${JSON.stringify(settings)}`);
  const data = loadMovieLens(dataDir);
  const splits = splitByUser(data.ratings, DEFAULT_SPLIT).slice(0, userLimit);
  const catalogSize = data.movies.length;
  const testCount = splits.reduce((n, s) => n + s.test.length, 0);
  const historyCount = splits.reduce((n, s) => n + s.history.length, 0);
  say(
    `data: ${grouped(new Set(data.ratings.map((r) => r.userId)).size)} users, ${grouped(catalogSize)} movies, ${grouped(data.ratings.length)} ratings`,
  );
  say(
    `split: ${splits.length} users evaluated, ${grouped(historyCount)} history ratings replayed, ${grouped(testCount)} held-out positives (ratings >= ${DEFAULT_SPLIT.positiveMin}, newest ${DEFAULT_SPLIT.testFraction * 100}% per user)`,
  );
  // Every service's clock: just after the newest rating, fixed so that two runs agree.
  const now = Math.max(...data.ratings.map((r) => r.timestamp)) + 1_000;

  const tailor = values['only-baselines']
    ? undefined
    : await withTempDir('quality', (dir) =>
        runTailor({ data, splits, dataDir: dir, now, settings, progress: say }),
      );
  const tailorTimes = tailor === undefined ? undefined : summarize(tailor.requestMs[10]);
  const api = values['via-api']
    ? await withTempDir('quality-api', (dir) =>
        runThroughApi({ data, splits, dataDir: dir, progress: say }),
      )
    : undefined;

  const itemIds = data.movies.map((m) => m.movieId);
  const peers = values['skip-peers'] ? { skipped: '--skip-peers' } : runPeerModels(splits, itemIds);

  const training = trainingData(splits, itemIds, DEFAULT_SPLIT.positiveMin);
  const popular = runBaseline(new MostPopular(training), splits);
  const started = process.hrtime.bigint();
  const knnModel = new ItemKnn(training);
  const knnBuildMs = msSince(started);
  const knn = runBaseline(knnModel, splits);
  say(
    `baselines: ItemKNN over ${grouped(knnModel.size)} liked items, matrix built in ${(knnBuildMs / 1000).toFixed(1)} s`,
  );

  const empty: UserLists = { top10: [], top20: [], top50: [] };
  // The run's settings as the trainer and the profiles read them, --env included (DATA_DIR is
  // only parsed here, nothing is written to it).
  const serviceConfig = benchConfig(dataDir, settings);
  const ablation = values['only-baselines']
    ? []
    : modelAblation(
        splits,
        trainingSettings(serviceConfig),
        profileSettings(serviceConfig, serviceConfig.EMBEDDING_DIMENSION).recentTaste,
      ).map((step) => ({
        ...evaluate(step.name, (u) => step.lists.get(u) ?? empty, splits, catalogSize, 0),
        description: step.description,
      }));
  const rows: Row[] = [];
  if (tailor !== undefined && tailorTimes !== undefined) {
    rows.push(
      evaluate(
        'tailor',
        (u) => tailor.lists.get(u) ?? empty,
        splits,
        catalogSize,
        tailorTimes.mean,
      ),
    );
  }
  if (api !== undefined) {
    rows.push(
      evaluate(
        'tailor-api',
        (u) => api.lists.get(u) ?? empty,
        splits,
        catalogSize,
        summarize(api.requestMs[10]).mean,
      ),
    );
  }
  for (const peer of 'results' in peers ? peers.results : []) {
    rows.push(
      evaluate(
        peer.name,
        (u) => peer.lists.get(u) ?? empty,
        splits,
        catalogSize,
        (peer.fitSeconds * 1000) / Math.max(splits.length, 1),
      ),
    );
  }
  rows.push(
    evaluate('ItemKNN', (u) => knn.lists.get(u) ?? empty, splits, catalogSize, knn.msPerUser),
    evaluate(
      'MostPopular',
      (u) => popular.lists.get(u) ?? empty,
      splits,
      catalogSize,
      popular.msPerUser,
    ),
  );
  const tailorRow = rows.find((row) => row.name === 'tailor');
  const ratios = (
    tailorRow === undefined
      ? []
      : rows
          .filter((row) => row !== tailorRow && row.name !== 'tailor-api')
          .map((peer) => ({
            name: `tailor/${peer.name}`,
            ...Object.fromEntries(METRICS.map((m) => [m, tailorRow[m] / peer[m]])),
          }))
  ) as ({ name: string } & Record<(typeof METRICS)[number], number>)[];

  say();
  printTable(
    ['recommender', ...METRICS, 'ms/user'],
    rows.map((row) => [row.name, ...METRICS.map((m) => fixed(row[m], 4)), fixed(row.msPerUser, 2)]),
  );
  if (ratios.length > 0) {
    say();
    printTable(
      ['ratio', ...METRICS],
      ratios.map((ratio) => [ratio.name, ...METRICS.map((m) => `${fixed(ratio[m], 2)}x`)]),
    );
  }
  if (ablation.length > 0) {
    say();
    say("ablation (in process, at the run's settings; the model fitted on the same history):");
    printTable(
      ['part', ...METRICS],
      ablation.map((row) => [row.name, ...METRICS.map((m) => fixed(row[m], 4))]),
    );
  }
  say();
  if ('skipped' in peers) say(`EASE and iALS not run: ${peers.skipped}`);
  else {
    for (const peer of peers.results) {
      say(
        `${peer.name}: chosen on validation ${JSON.stringify(peer.chosen)} (NDCG@10 ${fixed(chooseSetting(peer.validation).figures['NDCG@10'], 4)} over ${peer.validation.length} settings)`,
      );
    }
  }
  if (tailor !== undefined && tailorTimes !== undefined) {
    say(
      `tailor: ${JSON.stringify(tailor.strategies)} lists; top-10 request p50 ${fixed(tailorTimes.p50, 1)} ms, p95 ${fixed(tailorTimes.p95, 1)} ms; history items served again: ${tailor.historyServed.items} (in ${tailor.historyServed.users} users' top 50)`,
    );
  } else say('tailor: not run (--only-baselines)');
  if (api !== undefined) {
    say(
      `tailor-api: ${JSON.stringify(api.strategies)} lists; upsertItems ${fixed(api.loadMs / 1000, 1)} s, import ${fixed(api.importMs / 1000, 1)} s (applied by profiles and the trainer ${fixed(api.appliedMs / 1000, 1)} s after it began), retrainModel ${fixed(api.trainMs / 1000, 1)} s`,
    );
  }

  // Over the unrounded figures: equal fingerprints mean two runs gave exactly the same numbers.
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(rows.map((row) => METRICS.map((m) => row[m]))))
    .digest('hex')
    .slice(0, 16);
  const totalMs = msSince(runStarted);
  const file = writeResults(
    values.results ?? (tailor === undefined ? 'quality-baselines' : 'quality'),
    {
      ...runHeader('quality'),
      data: {
        dir: dataDir,
        users: splits.length,
        movies: catalogSize,
        ratings: data.ratings.length,
        historyRatings: historyCount,
        heldOutPositives: testCount,
      },
      settings,
      protocol: {
        split: `per user by time: newest ceil(${DEFAULT_SPLIT.testFraction} x positives) positives held out; everything rated before them is history`,
        positive: `rating >= ${DEFAULT_SPLIT.positiveMin}`,
        ranking: 'whole catalog, user history excluded',
        cutoffs:
          'HR, NDCG and coverage read a list of 10, Recall a list of 20, MRR a list of 50 (the most the recommender serves); tailor is asked once per size',
        msPerUser:
          'tailor: one top-10 GraphQL request to the recommender subgraph on loopback; baselines: computing one top-50 in process; EASE and iALS: fitting the chosen setting on the whole history, per user (Python, one thread)',
        tuning:
          'EASE and iALS: every setting of a small grid fitted on a validation split carved from the history the way the test set is carved from the whole (splitHistoryForValidation); the best NDCG@10 on validation is fitted again on the whole history. The test items never reach Python.',
      },
      rows: rows.map((row) => rounded(row, 4)),
      ratios: ratios.map((ratio) => rounded(ratio, 3)),
      fingerprint,
      ablation: ablation.map(({ name, description, ...figures }) => ({
        name,
        description,
        ...rounded(Object.fromEntries(METRICS.map((m) => [m, figures[m]])), 4),
      })),
      peers:
        'skipped' in peers
          ? { skipped: peers.skipped }
          : Object.fromEntries(
              peers.results.map((peer) => [
                peer.name,
                {
                  chosen: peer.chosen,
                  fitSeconds: Math.round(peer.fitSeconds * 10) / 10,
                  validation: peer.validation.map((row) => ({
                    setting: row.setting,
                    ...rounded(
                      Object.fromEntries(METRICS.map((m) => [m, row.figures[m]])) as Record<
                        string,
                        number
                      >,
                      4,
                    ),
                    fitSeconds: Math.round(row.fitSeconds * 10) / 10,
                  })),
                },
              ]),
            ),
      ...(api === undefined
        ? {}
        : {
            tailorApi: {
              strategies: api.strategies,
              modelVersion: api.modelVersion,
              upsertItemsSeconds: Math.round(api.loadMs / 100) / 10,
              importSeconds: Math.round(api.importMs / 100) / 10,
              appliedSeconds: Math.round(api.appliedMs / 100) / 10,
              retrainSeconds: Math.round(api.trainMs / 100) / 10,
              historyServed: api.historyServed,
            },
          }),
      tailor:
        tailor === undefined
          ? { skipped: '--only-baselines' }
          : {
              catalog: rounded(tailor.catalog, 1),
              replay: rounded(tailor.replay, 1),
              training: {
                model: tailor.training.model ?? null,
                trainMs: Math.round(tailor.training.trainMs),
                refoldedProfiles: tailor.training.refolded,
                refoldMs: Math.round(tailor.training.refoldMs),
              },
              strategies: tailor.strategies,
              historyServed: tailor.historyServed,
              requestMsByListSize: Object.fromEntries(
                Object.entries(tailor.requestMs).map(([first, times]) => [
                  first,
                  rounded(summarize(times), 2),
                ]),
              ),
            },
      itemKnn: { items: knnModel.size, buildMs: Math.round(knnBuildMs) },
      durationSeconds: Math.round(totalMs / 100) / 10,
    },
  );
  say(
    `fingerprint ${fingerprint}; written ${path.relative(REPO_ROOT, file)} in ${(totalMs / 1000).toFixed(1)} s total`,
  );
}

/** EASE and iALS, or why not: a missing Python or venv is said and the rest still runs. */
function runPeerModels(
  splits: ReturnType<typeof splitByUser>,
  itemIds: readonly string[],
): { results: PeerResult[] } | { skipped: string } {
  let python: string;
  try {
    say('peers: making the Python venv for EASE and iALS (once; pinned, from PyPI)');
    python = ensurePeerPython();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    say(`peers: EASE and iALS NOT RUN, no Python for them: ${reason}`);
    return { skipped: reason };
  }
  const started = process.hrtime.bigint();
  try {
    const results = withTempDirSync('peers', (scratch) =>
      tuneAndRunPeers({ python, splits, itemIds, split: DEFAULT_SPLIT, scratch, progress: say }),
    );
    say(`peers: tuned and fitted in ${(msSince(started) / 1000).toFixed(1)} s`);
    return { results };
  } catch (err) {
    // Tailor's run is already done by now: keep its figures and say what went wrong.
    const reason = `peers.py failed: ${err instanceof Error ? err.message : String(err)}`;
    say(`peers: EASE and iALS NOT RUN, ${reason}`);
    return { skipped: reason };
  }
}

runBench(main);
