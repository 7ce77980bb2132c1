import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { REPO_ROOT } from '../lib/paths.js';
import { trainingData } from './baselines.js';
import { QualityAccumulator, type QualityFigures, type UserLists } from './metrics.js';
import { splitHistoryForValidation, type SplitOptions, type UserSplit } from './split.js';

/**
 * The stronger peers: EASE (Steck 2019) and implicit ALS (the `implicit` PyPI library), fitted
 * by tests/bench/quality/peers.py in a venv the bench makes itself. They get exactly the
 * training data of the baselines (each user's history positives) and leave out the same
 * history; their settings are chosen on a validation split carved from the history, so the
 * held-out test items never reach Python at all.
 */

/** Version of the JSON handed to and read back from peers.py. */
export const PEER_FORMAT = 1;

/** The peers' names, as their rows in the result file. */
export type PeerName = 'EASE' | 'iALS';

/** One setting of a peer: EASE reads `lambda`; iALS `factors`, `regularization`, `alpha`, `iterations`. */
export type PeerSetting = Readonly<Record<string, number>>;

/** The grids searched on validation. Kept small: the machine is shared. */
export const PEER_GRIDS: Readonly<Record<PeerName, readonly PeerSetting[]>> = {
  EASE: [30, 50, 75, 100, 150, 200, 300, 500, 1000].map((lambda) => ({ lambda })),
  iALS: [64, 128, 256].flatMap((factors) =>
    [1, 3, 10, 30, 100].flatMap((regularization) =>
      [0.5, 1, 2, 5].map((alpha) => ({ factors, regularization, alpha, iterations: 15 })),
    ),
  ),
};

/** One user as peers.py reads them: catalog indices only, never a held-out item. */
export interface PeerUser {
  id: string;
  /** Distinct indices of the user's training positives. */
  train: number[];
  /** Distinct indices of everything the user rated in training (left out of their list). */
  exclude: number[];
}

/** What peers.py is given. */
export interface PeerInput {
  format: typeof PEER_FORMAT;
  items: readonly string[];
  users: PeerUser[];
  k: number;
  seed: number;
  models: { name: PeerName; settings: readonly PeerSetting[] }[];
}

/** What peers.py writes back: per model and setting, each user's list as catalog indices. */
export interface PeerOutput {
  format: typeof PEER_FORMAT;
  /** Items someone liked in training (the only ones that can score). */
  items: number;
  runs: { model: PeerName; setting: PeerSetting; fitSeconds: number; lists: number[][] }[];
}

/**
 * The exchange for one split: only the history side is read, so a split's `test` items can
 * never be in it.
 */
export function peerInput(
  splits: readonly UserSplit[],
  itemIds: readonly string[],
  positiveMin: number,
  models: PeerInput['models'],
  k = 50,
): PeerInput {
  const data = trainingData(splits, itemIds, positiveMin);
  const users = splits.map((split): PeerUser => {
    const exclude = new Set<number>();
    for (const rating of split.history) {
      const at = data.index.get(rating.itemId);
      if (at !== undefined) exclude.add(at);
    }
    return {
      id: split.userId,
      train: [...(data.positives.get(split.userId) ?? [])],
      exclude: [...exclude].sort((a, b) => a - b),
    };
  });
  return { format: PEER_FORMAT, items: itemIds, users, k, seed: 42, models };
}

/** Reads peers.py's answer back as item-id lists per user, checking it fits the input. */
export function readPeerOutput(
  input: PeerInput,
  raw: unknown,
): { model: PeerName; setting: PeerSetting; fitSeconds: number; lists: Map<string, UserLists> }[] {
  const output = raw as Partial<PeerOutput> | null;
  if (output?.format !== PEER_FORMAT || !Array.isArray(output.runs)) {
    throw new Error(`peers.py answered format ${String(output?.format)}, expected ${PEER_FORMAT}`);
  }
  return output.runs.map((run) => {
    if (!Array.isArray(run.lists) || run.lists.length !== input.users.length) {
      throw new Error(
        `peers.py ${run.model}: ${run.lists?.length} lists for ${input.users.length} users`,
      );
    }
    const lists = new Map<string, UserLists>();
    run.lists.forEach((list, u) => {
      const ids = list.map((at) => {
        const id = input.items[at];
        if (id === undefined) throw new Error(`peers.py ${run.model}: item index ${at} unknown`);
        return id;
      });
      const top50 = ids.slice(0, input.k);
      lists.set(input.users[u]!.id, {
        top10: top50.slice(0, 10),
        top20: top50.slice(0, 20),
        top50,
      });
    });
    return { model: run.model, setting: run.setting, fitSeconds: run.fitSeconds, lists };
  });
}

/** Pinned; a change of this file makes a new venv install. */
const REQUIREMENTS = path.join(REPO_ROOT, 'tests', 'bench', 'quality', 'requirements-peers.txt');
const SCRIPT = path.join(REPO_ROOT, 'tests', 'bench', 'quality', 'peers.py');

/** Where the peers' venv lives: `BENCH_VENV_DIR`, default ~/.cache/tailor/bench-venv. */
export function peerVenvDir(): string {
  return process.env.BENCH_VENV_DIR ?? path.join(os.homedir(), '.cache', 'tailor', 'bench-venv');
}

/**
 * Makes (once) the venv with the pinned numpy, scipy and implicit from PyPI and returns its
 * python, or throws saying what is missing.
 */
export function ensurePeerPython(venv = peerVenvDir()): string {
  const python = path.join(venv, 'bin', 'python');
  const stamp = path.join(venv, 'tailor-requirements.txt');
  const wanted = readFileSync(REQUIREMENTS, 'utf8');
  if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) {
    return python;
  }
  const run = (command: string, args: string[], what: string) => {
    try {
      execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    } catch (err) {
      const detail = (err as { stderr?: string }).stderr?.trim().split('\n').pop() ?? String(err);
      throw new Error(`${what} failed: ${detail}`);
    }
  };
  if (!existsSync(python)) run('python3', ['-m', 'venv', venv], `python3 -m venv ${venv}`);
  run(python, ['-m', 'pip', 'install', '-q', '-r', REQUIREMENTS], `pip install into ${venv}`);
  writeFileSync(stamp, wanted);
  return python;
}

/** Runs peers.py on one input in `scratch` and reads its lists back. */
export function runPeers(python: string, input: PeerInput, scratch: string, name: string) {
  const source = path.join(scratch, `peers-${name}-in.json`);
  const target = path.join(scratch, `peers-${name}-out.json`);
  writeFileSync(source, JSON.stringify(input));
  execFileSync(python, [SCRIPT, source, target], {
    stdio: ['ignore', 'inherit', 'inherit'],
    // One thread each for BLAS and implicit: the machine is shared, and results stay the same.
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  return readPeerOutput(input, JSON.parse(readFileSync(target, 'utf8')));
}

/** Scores per-user lists against held-out items with the bench's own metrics. */
export function scoreLists(
  lists: ReadonlyMap<string, UserLists>,
  splits: readonly UserSplit[],
  catalogSize: number,
): QualityFigures {
  const acc = new QualityAccumulator(catalogSize);
  const empty: UserLists = { top10: [], top20: [], top50: [] };
  for (const split of splits) acc.add(lists.get(split.userId) ?? empty, new Set(split.test));
  return acc.result();
}

/** One validation figure of one setting. */
export interface TuningRow {
  setting: PeerSetting;
  figures: QualityFigures;
  fitSeconds: number;
}

/** The outcome of tuning and then fitting one peer. */
export interface PeerResult {
  name: PeerName;
  chosen: PeerSetting;
  validation: TuningRow[];
  lists: Map<string, UserLists>;
  fitSeconds: number;
}

/** Best NDCG@10 on validation, then HR@10, then the first in grid order. */
export function chooseSetting(rows: readonly TuningRow[]): TuningRow {
  if (rows.length === 0) throw new Error('no setting to choose from');
  return rows.reduce((best, row) =>
    row.figures['NDCG@10'] > best.figures['NDCG@10'] ||
    (row.figures['NDCG@10'] === best.figures['NDCG@10'] &&
      row.figures['HR@10'] > best.figures['HR@10'])
      ? row
      : best,
  );
}

/**
 * Tunes each peer on validation carved from the history, then fits the chosen setting on the
 * whole history and returns its lists for the test users.
 */
export function tuneAndRunPeers(options: {
  python: string;
  splits: readonly UserSplit[];
  itemIds: readonly string[];
  split: SplitOptions;
  scratch: string;
  grids?: Readonly<Record<PeerName, readonly PeerSetting[]>>;
  progress?: (line: string) => void;
}): PeerResult[] {
  const grids = options.grids ?? PEER_GRIDS;
  const names = Object.keys(grids) as PeerName[];
  const validation = splitHistoryForValidation(options.splits, options.split);
  const tuneInput = peerInput(
    validation,
    options.itemIds,
    options.split.positiveMin,
    names.map((name) => ({ name, settings: grids[name] })),
  );
  options.progress?.(
    `peers: tuning on validation (${validation.length} users; ${names.map((n) => `${n} ${grids[n].length} settings`).join(', ')})`,
  );
  const tuned = runPeers(options.python, tuneInput, options.scratch, 'validation');
  const chosen = names.map((name) => {
    const rows = tuned
      .filter((run) => run.model === name)
      .map((run) => ({
        setting: run.setting,
        fitSeconds: run.fitSeconds,
        figures: scoreLists(run.lists, validation, options.itemIds.length),
      }));
    return { name, rows, best: chooseSetting(rows) };
  });
  const testInput = peerInput(
    options.splits,
    options.itemIds,
    options.split.positiveMin,
    chosen.map(({ name, best }) => ({ name, settings: [best.setting] })),
  );
  options.progress?.(
    `peers: chosen ${chosen.map(({ name, best }) => `${name} ${JSON.stringify(best.setting)}`).join(', ')}; fitting on the whole history`,
  );
  const fitted = runPeers(options.python, testInput, options.scratch, 'test');
  return chosen.map(({ name, rows, best }) => {
    const run = fitted.find((r) => r.model === name)!;
    return {
      name,
      chosen: best.setting,
      validation: rows,
      lists: run.lists,
      fitSeconds: run.fitSeconds,
    };
  });
}
