import { createHash, randomUUID } from 'node:crypto';

import {
  CF_VECTOR,
  type ConsumedEvent,
  CURRENT_MODEL_ID,
  eventWeight,
  type EventWeights,
  ITEMS_COLLECTION,
  type Logger,
  MODEL_GRAM_VECTOR,
  type ModelPayload,
  MODELS_COLLECTION,
  modelsCollectionSpec,
  readPublishedModel,
  type UserKeyVault,
  type VectorStore,
} from '@tailor/kit';

import type { TrainingSettings } from './domain/ials.js';
import type { RecordedEvent } from './domain/interactions.js';
import { trainingData } from './domain/interactions.js';
import type { InteractionStore } from './interaction-store.js';
import type { TrainerMetrics } from './metrics.js';
import { type TrainingEngine, trainInWorker } from './training/train-in-worker.js';

/** Items whose factors go to the store in one call. */
const WRITE_CHUNK = 500;

/** Finished trainings remembered for `training(id)`; older ones are forgotten. */
export const TRAININGS_KEPT = 20;

/** Where a training is. */
export type TrainingState = 'running' | 'published' | 'nothing_to_train' | 'failed';

/** One training, as asked for and as it went. */
export interface TrainingRun {
  id: string;
  /** Why it ran: `retrainModel`, `schedule`, `start`, `first data`… */
  reason: string;
  state: TrainingState;
  startedAt: number;
  finishedAt?: number;
  /** Known once the interactions are read, before the arithmetic starts. */
  users?: number;
  interactions?: number;
  /** Set when `state` is `published`. */
  model?: TrainedModel;
}

/** What one training came to. */
export interface TrainedModel {
  modelVersion: string;
  /** Length of every factor vector. */
  dimension: number;
  users: number;
  items: number;
  interactions: number;
  loss: number;
  trainedAt: number;
  durationMs: number;
}

export interface TrainerServiceOptions {
  store: VectorStore;
  interactions: InteractionStore;
  settings: TrainingSettings;
  weights: EventWeights;
  logger: Logger;
  metrics: TrainerMetrics;
  /** Users whose key is gone are forgotten: dropped before every training and compaction. */
  vault?: UserKeyVault;
  now?: () => number;
  /** Fits the factors; by default in a worker thread, off the event loop. */
  engine?: TrainingEngine;
}

/**
 * Learns the collaborative model from the interactions the trainer records, and publishes it:
 * every item's factors as its `cf` vector, then the `models` point that folding users in needs.
 * Publishing the model point last means a reader that sees a version finds its item factors.
 */
export class TrainerService {
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly engine: TrainingEngine;
  private running: { run: TrainingRun; done: Promise<TrainedModel | undefined> } | undefined;
  /** Newest last; the running one is in it too. */
  private readonly runs: TrainingRun[] = [];

  constructor(private readonly options: TrainerServiceOptions) {
    this.log = options.logger.child({ component: 'trainer' });
    this.now = options.now ?? Date.now;
    this.engine = options.engine ?? trainInWorker;
  }

  async ensureCollections(): Promise<void> {
    await this.options.store.ensureCollection(
      modelsCollectionSpec(this.options.settings.dimension),
    );
  }

  /** The model published now, if any. */
  async published(): Promise<ModelPayload | undefined> {
    const model = await readPublishedModel(this.options.store, this.options.settings.dimension);
    return model?.payload;
  }

  async publishedVersion(): Promise<string | undefined> {
    return (await this.published())?.modelVersion;
  }

  /** Records a batch of `user-events`: events with an item and a non-zero weight. */
  async record(batch: readonly ConsumedEvent[]): Promise<number> {
    const events: RecordedEvent[] = batch.flatMap(({ event, subject }) => {
      if (event.itemId === undefined) return [];
      const weight = eventWeight(event, this.options.weights);
      if (weight === 0) return [];
      return [
        {
          eventId: createHash('sha256').update(event.eventId).digest('base64url').slice(0, 16),
          user: subject ?? event.userId,
          itemId: event.itemId,
          weight,
          at: event.timestamp,
          ...(subject === undefined ? {} : { subject }),
        },
      ];
    });
    const fresh = await this.options.interactions.record(events);
    this.options.metrics.recorded.inc(fresh);
    return fresh;
  }

  /** Drops users whose key is gone and rewrites the store without them. */
  async purgeForgotten(): Promise<number> {
    const { vault, interactions } = this.options;
    if (vault === undefined) return 0;
    const bySubject = new Map<string, string>();
    for (const [key, user] of interactions.snapshot()) {
      if (user.subject !== undefined) bySubject.set(user.subject, key);
    }
    if (bySubject.size === 0) return 0;
    const live = await vault.keysForReading([...bySubject.keys()]);
    const gone = [...bySubject].filter(([subject]) => !live.has(subject)).map(([, id]) => id);
    const dropped = interactions.drop(gone);
    if (dropped > 0) {
      await interactions.compact();
      this.log.info({ dropped }, 'forgotten users removed from the interactions');
    }
    return dropped;
  }

  /**
   * Starts a training, or joins the one running, and answers at once with it: a training takes
   * longer than any request should wait. `training(id)` says how it went.
   */
  start(reason: string): TrainingRun {
    return this.begin(reason).run;
  }

  /** Trains and publishes; a call while a training runs waits for that one. */
  train(reason: string): Promise<TrainedModel | undefined> {
    return this.begin(reason).done;
  }

  /** A training of this process by id: running or among the last {@link TRAININGS_KEPT}. */
  training(id: string): TrainingRun | undefined {
    return this.runs.find((run) => run.id === id);
  }

  private begin(reason: string): { run: TrainingRun; done: Promise<TrainedModel | undefined> } {
    if (this.running !== undefined) return this.running;
    const run: TrainingRun = {
      id: randomUUID(),
      reason,
      state: 'running',
      startedAt: this.now(),
    };
    this.runs.push(run);
    if (this.runs.length > TRAININGS_KEPT) this.runs.splice(0, this.runs.length - TRAININGS_KEPT);
    const done = this.trainNow(run).then(
      (model) => {
        run.state = model === undefined ? 'nothing_to_train' : 'published';
        if (model !== undefined) run.model = model;
        return model;
      },
      (err: unknown) => {
        run.state = 'failed';
        throw err;
      },
    );
    const running = {
      run,
      done: done.finally(() => {
        run.finishedAt = this.now();
        this.running = undefined;
      }),
    };
    // Whoever started it may not wait (retrainModel does not); a failure is still logged.
    running.done.catch((err: unknown) =>
      this.log.error({ err, reason }, 'training failed; the model in service stays'),
    );
    this.running = running;
    return running;
  }

  private async trainNow(run: TrainingRun): Promise<TrainedModel | undefined> {
    const { reason } = run;
    const { settings, store, metrics, interactions } = this.options;
    const started = performance.now();
    await this.purgeForgotten();
    const data = trainingData(interactions.snapshot());
    run.users = data.matrix.users;
    run.interactions = data.matrix.byUser.index.length;
    if (data.matrix.users === 0 || data.matrix.items === 0) {
      this.log.info({ reason }, 'nothing to train on yet');
      return undefined;
    }
    this.log.info(
      { reason, users: data.matrix.users, items: data.matrix.items },
      'training the collaborative model',
    );
    const model = await this.engine(data.matrix, settings, (epoch, loss) =>
      this.log.debug({ epoch, loss }, 'epoch done'),
    );
    const trainedAt = this.now();
    const modelVersion = `${new Date(trainedAt).toISOString()}~${randomUUID().slice(0, 8)}`;
    const k = settings.dimension;
    for (let from = 0; from < data.itemIds.length; from += WRITE_CHUNK) {
      const ids = data.itemIds.slice(from, from + WRITE_CHUNK);
      await store.updateVectors(
        ITEMS_COLLECTION,
        ids.map((id, offset) => {
          const i = from + offset;
          return {
            id,
            vectors: {
              [CF_VECTOR]: Float32Array.from(model.itemFactors.subarray(i * k, i * k + k)),
            },
          };
        }),
      );
    }
    const loss = model.losses.at(-1) ?? Number.NaN;
    const payload: ModelPayload = {
      modelVersion,
      dimension: k,
      alpha: settings.alpha,
      regularization: settings.regularization,
      frequencyScaled: settings.frequencyScaled,
      unobservedWeight: settings.unobservedWeight,
      items: data.matrix.items,
      trainedAt,
      loss,
    };
    await store.upsert(MODELS_COLLECTION, [
      {
        id: CURRENT_MODEL_ID,
        vectors: { [MODEL_GRAM_VECTOR]: Float32Array.from(model.gram) },
        payload: { ...payload },
      },
    ]);
    await interactions.compact();
    const durationMs = performance.now() - started;
    metrics.trainingSeconds.observe(durationMs / 1000);
    metrics.loss.set(loss);
    metrics.model.reset();
    metrics.model.set({ version: modelVersion }, 1);
    const result: TrainedModel = {
      modelVersion,
      dimension: k,
      users: data.matrix.users,
      items: data.matrix.items,
      interactions: data.matrix.byUser.index.length,
      loss,
      trainedAt,
      durationMs,
    };
    this.log.info({ reason, ...result }, 'model published');
    return result;
  }
}
