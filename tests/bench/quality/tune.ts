import { parseArgs } from 'node:util';

import { DEFAULT_CF_DIMENSION } from '@tailor/kit';
import { DEFAULT_TRAINING, type TrainingSettings } from '@tailor/trainer';

import { fixed, printTable, runBench, say } from '../lib/output.js';
import { resolveFromCwd, writeResults } from '../lib/paths.js';
import { collaborativeLists } from './collaborative.js';
import { QualityAccumulator } from './metrics.js';
import { DEFAULT_DATA_DIR, loadMovieLens } from './movielens.js';
import { DEFAULT_SPLIT, splitByUser, splitHistoryForValidation } from './split.js';

const USAGE = `usage: npm run bench:tune -- [--data <dir>]
  Chooses the collaborative model's settings on a validation split carved from the history
  (never the test set) and prints them; the defaults in services/trainer/src/config.ts are its output.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { data: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) return say(USAGE);
  const dataDir = values.data === undefined ? DEFAULT_DATA_DIR : resolveFromCwd(values.data);
  const data = loadMovieLens(dataDir);
  const validation = splitHistoryForValidation(splitByUser(data.ratings, DEFAULT_SPLIT));
  say(`tuning on ${validation.length} users' validation split of the history (${dataDir})`);
  const base: TrainingSettings = { ...DEFAULT_TRAINING, dimension: DEFAULT_CF_DIMENSION };
  // Around where implicit's iALS lands on this data (unobserved weight 1, flat λ), plus the
  // frequency-scaled variant of Rendle et al. 2021 for comparison.
  const grid: TrainingSettings[] = [];
  for (const dimension of [64, 128])
    for (const regularization of [10, 20, 40])
      for (const alpha of [0.5, 1, 2])
        grid.push({
          ...base,
          dimension,
          regularization,
          alpha,
          unobservedWeight: 1,
          frequencyScaled: false,
        });
  grid.push({
    ...base,
    dimension: 128,
    regularization: 0.01,
    alpha: 1,
    unobservedWeight: 0.1,
    frequencyScaled: true,
  });
  const rows = [];
  for (const settings of grid) {
    const lists = collaborativeLists(validation, settings);
    const acc = new QualityAccumulator(data.movies.length);
    for (const split of validation) {
      const list = lists.get(split.userId);
      if (list !== undefined) acc.add(list, new Set(split.test));
    }
    const figures = acc.result();
    rows.push({ settings, figures });
    say(
      `k=${settings.dimension} λ=${settings.regularization} w0=${settings.unobservedWeight} α=${settings.alpha}${settings.frequencyScaled ? ' (frequency-scaled)' : ''}: HR@10 ${fixed(figures['HR@10'], 4)} NDCG@10 ${fixed(figures['NDCG@10'], 4)}`,
    );
  }
  rows.sort((a, b) => b.figures['NDCG@10'] - a.figures['NDCG@10']);
  say();
  printTable(
    ['k', 'λ', 'w0', 'α', 'HR@10', 'NDCG@10'],
    rows
      .slice(0, 5)
      .map((r) => [
        String(r.settings.dimension),
        String(r.settings.regularization),
        String(r.settings.unobservedWeight),
        String(r.settings.alpha),
        fixed(r.figures['HR@10'], 4),
        fixed(r.figures['NDCG@10'], 4),
      ]),
  );
  writeResults('tune', { data: dataDir, chosen: rows[0], top: rows.slice(0, 10) });
}

runBench(main);
