import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { DEFAULT_EVENT_WEIGHTS, eventWeight, PROFILES_COLLECTION } from '@tailor/kit';
import { waitFor } from '@tailor/kit/testing';

import { startTestMesh } from '../../e2e/harness.js';
import { postGraphql } from '../lib/graphql.js';
import { REPO_ROOT } from '../lib/paths.js';
import { msSince } from '../lib/stats.js';
import { movieToItem } from './items.js';
import type { MovieLens } from './movielens.js';
import { compareIds, compareRatings, type UserSplit } from './split.js';
import { askEveryUser, CUTOFFS, ratingEvent, type TailorRun } from './tailor.js';

/** Items per upsertItems call: the catalog's limit. */
const UPSERT_BATCH = 500;
/** How long loading, applying or re-folding may take before the run gives up. */
const STEP_TIMEOUT_MS = 900_000;

const UPSERT = `mutation($items: [ItemInput!]!) { upsertItems(items: $items) { upserted errors { index message } } }`;
const RETRAIN = `mutation { retrainModel { id state model { version } } }`;
const TRAINING = `query($id: ID!) { modelTraining(id: $id) { id state model { version } } }`;

interface Training {
  id: string;
  state: string;
  model: { version: string } | null;
}

/** What the public-API run came to, beside the lists. */
export interface ApiRun extends Pick<
  TailorRun,
  'lists' | 'requestMs' | 'strategies' | 'historyServed'
> {
  loadMs: number;
  importMs: number;
  appliedMs: number;
  trainMs: number;
  modelVersion: string;
}

/** Sum of one counter's samples in a Prometheus text page. */
function counterTotal(page: string, name: string): number {
  let total = 0;
  for (const line of page.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

async function metricsOf(graphqlUrl: string): Promise<string> {
  return (await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'))).text();
}

/** Runs the import CLI as a user would, its progress on this process's stderr. */
async function importFile(file: string, url: string): Promise<void> {
  const cli = path.join(REPO_ROOT, 'services', 'events', 'dist', 'cli.js');
  const child = spawn(process.execPath, [cli, '--file', file, '--url', url], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`npm run import-events ended with status ${code}`);
}

/**
 * The whole product as a new user meets it: `npm start`'s embedded mesh on its own clock, the
 * movies through `upsertItems`, the history through the import CLI (`importEvents`), a
 * `retrainModel`, then every user's lists from `recommendations` through the gateway. Only
 * waiting looks behind the API (metrics and the profile store say when the mesh has caught up).
 */
export async function runThroughApi(options: {
  data: MovieLens;
  splits: readonly UserSplit[];
  dataDir: string;
  progress: (line: string) => void;
}): Promise<ApiRun> {
  const { data, splits, dataDir, progress } = options;
  const t = await startTestMesh(
    {
      CATALOG_SEED_DEMO: 'false',
      MESH_SEED_DEMO_USERS: 'false',
      TRAINER_INTERVAL_MINUTES: '0',
    },
    dataDir,
  );
  try {
    const url = t.mesh.gatewayUrl;
    let started = process.hrtime.bigint();
    for (let from = 0; from < data.movies.length; from += UPSERT_BATCH) {
      const items = data.movies
        .slice(from, from + UPSERT_BATCH)
        .map((movie) => movieToItem(movie, data.tags.get(movie.movieId)));
      const answer = await postGraphql<{ upsertItems: { upserted: number; errors: unknown[] } }>(
        url,
        UPSERT,
        { items },
      );
      if (answer.upsertItems.errors.length > 0) {
        throw new Error(`upsertItems refused movies: ${JSON.stringify(answer.upsertItems.errors)}`);
      }
    }
    const loadMs = msSince(started);
    progress(
      `api: ${data.movies.length} movies through upsertItems in ${(loadMs / 1000).toFixed(1)} s`,
    );

    const history = splits
      .flatMap((split) => split.history)
      .sort((a, b) => compareRatings(a, b) || compareIds(a.userId, b.userId));
    const file = path.join(dataDir, 'history.jsonl');
    writeFileSync(file, history.map((rating) => JSON.stringify(ratingEvent(rating))).join('\n'));
    started = process.hrtime.bigint();
    await importFile(file, url);
    const importMs = msSince(started);
    progress(`api: ${history.length} ratings imported in ${(importMs / 1000).toFixed(1)} s`);

    // The trainer keeps only events that weigh something (a 3-star rating is neutral).
    const weighted = history.filter(
      (rating) => eventWeight(ratingEvent(rating), DEFAULT_EVENT_WEIGHTS) !== 0,
    ).length;
    await waitFor(
      async () => {
        const [profiles, trainer] = await Promise.all([
          metricsOf(t.mesh.subgraphUrls.profiles),
          metricsOf(t.mesh.subgraphUrls.trainer),
        ]);
        return (
          counterTotal(profiles, 'tailor_profile_events_applied_total') >= history.length &&
          counterTotal(trainer, 'tailor_trainer_interactions_recorded_total') >= weighted
        );
      },
      {
        description: 'profiles and the trainer to apply the import',
        timeoutMs: STEP_TIMEOUT_MS,
        intervalMs: 500,
      },
    );
    const appliedMs = msSince(started);
    started = process.hrtime.bigint();
    let training = (await postGraphql<{ retrainModel: Training }>(url, RETRAIN)).retrainModel;
    await waitFor(
      async () => {
        const polled = await postGraphql<{ modelTraining: Training | null }>(url, TRAINING, {
          id: training.id,
        });
        if (polled.modelTraining !== null) training = polled.modelTraining;
        return training.state !== 'RUNNING';
      },
      {
        description: 'the training retrainModel started',
        timeoutMs: STEP_TIMEOUT_MS,
        intervalMs: 500,
      },
    );
    const trainMs = msSince(started);
    const modelVersion = training.model?.version;
    if (modelVersion === undefined)
      throw new Error(`retrainModel's training ended ${training.state}`);
    await waitFor(
      async () =>
        (await t.mesh.adapters.store.count(PROFILES_COLLECTION, {
          must: [{ key: 'cfModelVersion', match: { value: modelVersion } }],
        })) >= splits.length,
      {
        description: 'profiles to re-fold onto the model',
        timeoutMs: STEP_TIMEOUT_MS,
        intervalMs: 500,
      },
    );
    progress(
      `api: applied ${(appliedMs / 1000).toFixed(1)} s after the import began; retrainModel ${(trainMs / 1000).toFixed(1)} s (${modelVersion})`,
    );
    const asked = await askEveryUser(url, splits, CUTOFFS, progress);
    return { ...asked, loadMs, importMs, appliedMs, trainMs, modelVersion };
  } finally {
    await t.destroy();
  }
}
