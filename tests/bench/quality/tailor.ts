import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { loadDemoCatalog } from '@tailor/catalog';
import {
  type ConsumedEvent,
  createAdapters,
  createEmbeddedEventBus,
  createHashedEmbedder,
  loadConfig,
  publishUserEvents,
  silentLogger,
  type UserEvent,
  validateUserEvent,
} from '@tailor/kit';
import { waitFor } from '@tailor/kit/testing';
import { ProfileService, profileSettings } from '@tailor/profiles';
import { startRecommender } from '@tailor/recommender';
import {
  createTrainerMetrics,
  InteractionStore,
  type TrainedModel,
  trainerEnvShape,
  TrainerService,
  trainingSettings,
} from '@tailor/trainer';
import { z } from 'zod';

import { benchConfig } from '../lib/config.js';
import { postGraphql } from '../lib/graphql.js';
import { benchProfileMetrics } from '../lib/profile-metrics.js';
import { msSince } from '../lib/stats.js';
import { movieIdOf, movieItemId, movieToItem } from './items.js';
import type { UserLists } from './metrics.js';
import type { MovieLens } from './movielens.js';
import { compareIds, compareRatings, type Rating, type UserSplit } from './split.js';

/**
 * Events per `applyBatch` call: the embedded bus hands a consumer at most this many messages
 * of one partition at once, so the profile updater sees batches of the size it sees live.
 */
export const REPLAY_BATCH_SIZE = 500;

/** The list sizes asked of the recommender, one request each (see {@link UserLists}). */
export const CUTOFFS = [10, 20, 50] as const;

const RECOMMENDATIONS = `query Bench($userId: ID!, $first: Int!) {
  recommendations(userId: $userId, first: $first) { strategy items { item { id } } }
}`;

/** Event user id of a MovieLens user. */
export function movieUserId(userId: string): string {
  return `user-${userId}`;
}

/** What the Tailor side of the run came to. */
export interface TailorRun {
  /** Per MovieLens user id, the lists served, as MovieLens movie ids. */
  lists: Map<string, UserLists>;
  /** Per list size, per user, milliseconds of the request (HTTP round trip on loopback included). */
  requestMs: Record<(typeof CUTOFFS)[number], number[]>;
  catalog: { items: number; loadMs: number };
  replay: {
    events: number;
    batches: number;
    ms: number;
    eventsPerSecond: number;
    applied: number;
    unknownItem: number;
    refusedByContract: number;
  };
  strategies: Record<string, number>;
  /** The collaborative model trained on the replayed history, and the profiles' re-fold. */
  training: {
    model: TrainedModel | undefined;
    trainMs: number;
    refolded: number;
    refoldMs: number;
  };
  /** History items the recommender served anyway (the profile remembers a bounded number). */
  historyServed: { items: number; users: number };
}

/** The rating as the `rating` event a MovieLens-like producer would send. */
export function ratingEvent(rating: Rating) {
  return {
    eventId: `ml-${rating.userId}-${rating.itemId}`,
    userId: movieUserId(rating.userId),
    itemId: movieItemId(rating.itemId),
    type: 'rating' as const,
    value: rating.rating,
    timestamp: rating.timestamp,
  };
}

/** What a Tailor run is given. */
export interface TailorOptions {
  data: MovieLens;
  splits: readonly UserSplit[];
  dataDir: string;
  now: number;
  /** Service settings by environment variable name, on top of the defaults. */
  settings: Record<string, string>;
  progress: (line: string) => void;
}

/** The state every recommender of a run serves from: catalog loaded, history replayed, model trained. */
export interface TailorWorld {
  catalog: TailorRun['catalog'];
  replay: TailorRun['replay'];
  training: TailorRun['training'];
  /**
   * Starts a recommender with `settings` on top of the run's, asks it for every user's lists of
   * the given sizes, and stops it: one world, many rankers, which is what tuning needs.
   */
  ask(
    settings: Record<string, string>,
    cutoffs?: readonly (typeof CUTOFFS)[number][],
  ): Promise<Pick<TailorRun, 'lists' | 'requestMs' | 'strategies' | 'historyServed'>>;
  close(): Promise<void>;
}

/**
 * Runs the real catalog, profile updater and recommender on the embedded bus and the store the
 * settings name (embedded in `dataDir` by default):
 * loads every movie through the catalog's loader (validation, embedding, store), replays every
 * history rating in time order as contract `rating` events through `ProfileService.applyBatch`
 * (what the profiles consumer calls for each bus batch), trains the collaborative model, then
 * asks the recommender subgraph for each user's lists over HTTP. `now` is the clock of every
 * service, fixed so runs agree.
 */
export async function runTailor(options: TailorOptions): Promise<TailorRun> {
  const world = await prepareTailor(options);
  try {
    return {
      ...(await world.ask({})),
      catalog: world.catalog,
      replay: world.replay,
      training: world.training,
    };
  } finally {
    await world.close();
  }
}

/** Everything of {@link runTailor} up to the recommender. */
export async function prepareTailor(options: TailorOptions): Promise<TailorWorld> {
  const { data, splits, dataDir, now, progress } = options;
  const logger = silentLogger();
  const config = benchConfig(dataDir, options.settings);
  const clock = () => now;
  const embedder = createHashedEmbedder({ dimension: config.EMBEDDING_DIMENSION });
  // The store the settings name (`--env VECTOR_STORE=qdrant --env QDRANT_URL=…` for Qdrant, whose
  // collections must start empty); the embedded one by default.
  const { store } = await createAdapters(config, logger, ['store']);
  const bus = await createEmbeddedEventBus({ dataDir, logger, partitions: config.BUS_PARTITIONS });
  const close = async () => {
    await bus.close();
    await store.close();
  };
  try {
    // The catalog's loader reads a JSONL file of upsertItems inputs: the movies go in that way.
    const file = path.join(dataDir, 'movielens-items.jsonl');
    writeFileSync(
      file,
      data.movies
        .map((movie) => JSON.stringify(movieToItem(movie, data.tags.get(movie.movieId))))
        .join('\n'),
    );
    let started = process.hrtime.bigint();
    const items = await loadDemoCatalog({ config, logger, store, embedder, now: clock }, { file });
    const catalog = { items, loadMs: msSince(started) };
    progress(`catalog: ${items} movies loaded in ${(catalog.loadMs / 1000).toFixed(1)} s`);

    const profiles = new ProfileService({
      store,
      logger,
      settings: profileSettings(config, embedder.dimension),
      metrics: benchProfileMetrics(),
      now: clock,
    });
    await profiles.ensureCollections();
    const history = splits
      .flatMap((split) => split.history)
      .sort((a, b) => compareRatings(a, b) || compareIds(a.userId, b.userId));
    const events: UserEvent[] = [];
    let refusedByContract = 0;
    for (const rating of history) {
      // Checked as the consumer checks a live event, against the time it happened: a decade-old
      // replay is a backfill, which the live contract refuses by design.
      const result = validateUserEvent(ratingEvent(rating), rating.timestamp);
      if (result.ok) events.push(result.event);
      else refusedByContract += 1;
    }
    const replay = {
      events: events.length,
      batches: 0,
      ms: 0,
      eventsPerSecond: 0,
      applied: 0,
      unknownItem: 0,
      refusedByContract,
    };
    started = process.hrtime.bigint();
    for (let from = 0; from < events.length; from += REPLAY_BATCH_SIZE) {
      const batch: ConsumedEvent[] = events
        .slice(from, from + REPLAY_BATCH_SIZE)
        .map((event, i) => ({ event, partition: 0, offset: String(from + i) }));
      const outcome = await profiles.applyBatch(batch);
      replay.batches += 1;
      replay.applied += outcome.applied;
      replay.unknownItem += outcome.unknownItem;
    }
    replay.ms = msSince(started);
    replay.eventsPerSecond = (replay.events / replay.ms) * 1000;
    progress(
      `replay: ${replay.events} rating events in ${(replay.ms / 1000).toFixed(1)} s (${Math.round(replay.eventsPerSecond)}/s)`,
    );

    // The trainer records the same events from the bus in production; here straight in.
    const trainerConfig = loadConfig(z.object(trainerEnvShape), { ...options.settings });
    const trainer = new TrainerService({
      store,
      interactions: await InteractionStore.open(path.join(dataDir, 'trainer'), logger),
      settings: trainingSettings(trainerConfig),
      weights: trainerConfig.PROFILE_EVENT_WEIGHTS,
      logger,
      metrics: createTrainerMetrics(),
      now: clock,
    });
    await trainer.ensureCollections();
    for (let from = 0; from < events.length; from += REPLAY_BATCH_SIZE) {
      await trainer.record(
        events
          .slice(from, from + REPLAY_BATCH_SIZE)
          .map((event, i) => ({ event, partition: 0, offset: String(from + i) })),
      );
    }
    started = process.hrtime.bigint();
    const model = await trainer.train('bench');
    const trainMs = msSince(started);
    started = process.hrtime.bigint();
    const refolded = await profiles.refoldStale();
    const refoldMs = msSince(started);
    progress(
      `model: ${model?.modelVersion ?? 'none'} trained in ${(trainMs / 1000).toFixed(1)} s; ${refolded} profiles folded in ${(refoldMs / 1000).toFixed(1)} s`,
    );

    // The recommender's trending and popularity counts read user-events, as in production: the
    // history goes on the bus too, each message stamped with its rating's time (a backfill).
    await publishUserEvents(bus, events, { atEventTime: true });
    const ask: TailorWorld['ask'] = async (settings, cutoffs = CUTOFFS) => {
      const recommender = await startRecommender({
        config: benchConfig(dataDir, { ...options.settings, ...settings }),
        logger,
        bus,
        store,
        embedder,
        now: clock,
        host: '127.0.0.1',
        port: 0,
      });
      try {
        await waitFor(() => recommender.eventsRead() >= events.length, {
          description: 'the recommender to read the replayed history',
          timeoutMs: 600_000,
        });
        return await askEveryUser(recommender.url, splits, cutoffs, progress);
      } finally {
        await recommender.close();
      }
    };
    return { catalog, replay, training: { model, trainMs, refolded, refoldMs }, ask, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Asks `url` (a recommender subgraph or the gateway) for every user's lists of each size. */
export async function askEveryUser(
  url: string,
  splits: readonly UserSplit[],
  cutoffs: readonly (typeof CUTOFFS)[number][],
  progress: (line: string) => void,
): Promise<Pick<TailorRun, 'lists' | 'requestMs' | 'strategies' | 'historyServed'>> {
  const lists = new Map<string, UserLists>();
  const requestMs: TailorRun['requestMs'] = { 10: [], 20: [], 50: [] };
  const strategies: Record<string, number> = {};
  const historyServed = { items: 0, users: 0 };
  let done = 0;
  for (const split of splits) {
    const served: Partial<Record<(typeof CUTOFFS)[number], string[]>> = {};
    for (const first of cutoffs) {
      const started = process.hrtime.bigint();
      const answer = await postGraphql<{
        recommendations: { strategy: string; items: { item: { id: string } }[] };
      }>(url, RECOMMENDATIONS, { userId: movieUserId(split.userId), first });
      requestMs[first].push(msSince(started));
      if (first === cutoffs[0]) {
        const strategy = answer.recommendations.strategy;
        strategies[strategy] = (strategies[strategy] ?? 0) + 1;
      }
      served[first] = answer.recommendations.items.map((pick) => movieIdOf(pick.item.id));
    }
    const top50 = served[50] ?? [];
    lists.set(split.userId, { top10: served[10] ?? [], top20: served[20] ?? [], top50 });
    const seen = new Set(split.history.map((rating) => rating.itemId));
    const repeats = top50.filter((id) => seen.has(id)).length;
    historyServed.items += repeats;
    if (repeats > 0) historyServed.users += 1;
    done += 1;
    if (done % 100 === 0) progress(`recommender: ${done}/${splits.length} users`);
  }
  return { lists, requestMs, strategies, historyServed };
}
