import type { Logger } from '../logger.js';
import type { CollectionSpec, VectorStore } from '../ports/vector-store.js';
import { assignArm } from './assignment.js';
import type { Arm, ArmSettings, Experiment, ExperimentBlendSource } from './definition.js';

/**
 * Holds the stops of experiments (one point per stopped experiment), so a stop made through one
 * process reaches every replica of the recommender and generation, and outlives a restart.
 */
export const EXPERIMENTS_COLLECTION = 'experiments';
/**
 * The store keeps points with vectors; a stop has none to keep, so each point carries this
 * one-number vector, never searched.
 */
const MARKER_VECTOR = 'marker';

export const experimentsCollectionSpec: CollectionSpec = {
  name: EXPERIMENTS_COLLECTION,
  vectors: { [MARKER_VECTOR]: { size: 1, distance: 'dot' } },
};

/** An experiment as defined, with whether it runs. */
export interface ExperimentState {
  experiment: Experiment;
  /** False once stopped, in the definition (`stopped: true`) or by `stop`. */
  running: boolean;
  /** Epoch ms of the stop made by `stop`; null while running or when stopped in the definition. */
  stoppedAt: number | null;
}

/** A user's arm of one running experiment. */
export interface UserArm {
  experiment: string;
  arm: Arm;
}

/** What the arms of a user's running experiments set, merged (no two experiments set one key). */
export interface EffectiveSettings {
  arms: UserArm[];
  mmrLambda?: number;
  blendWeights?: Partial<Record<ExperimentBlendSource, number>>;
  bandit?: boolean;
}

/** Options of {@link ExperimentRegistry}. */
export interface ExperimentRegistryOptions {
  experiments: readonly Experiment[];
  /** Where stops are kept; without one a stop holds in this process only. */
  store?: VectorStore;
  /** How often stops made elsewhere are read again (`EXPERIMENTS_REFRESH_MS`). */
  refreshMs: number;
  logger: Logger;
  now?: () => number;
}

/**
 * The experiments of a process: which arm a user is in (by the stable hash) and what that arm
 * sets, and which experiments were stopped. Assignments are answered from memory; the stored
 * stops are read again in the background at most every `refreshMs`.
 */
export class ExperimentRegistry {
  private readonly states: Map<string, ExperimentState>;
  private readonly log: Logger;
  private readonly now: () => number;
  private readAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | undefined;

  constructor(private readonly options: ExperimentRegistryOptions) {
    this.log = options.logger.child({ component: 'experiments' });
    this.now = options.now ?? Date.now;
    this.states = new Map(
      options.experiments.map((experiment) => [
        experiment.name,
        { experiment, running: !experiment.stopped, stoppedAt: null },
      ]),
    );
  }

  /** Creates the stops' collection and reads them; call once before serving. */
  async start(): Promise<void> {
    if (this.options.store === undefined || this.states.size === 0) return;
    await this.options.store.ensureCollection(experimentsCollectionSpec);
    await this.readStops();
  }

  /** Every experiment defined, in the order of the definition. */
  list(): ExperimentState[] {
    this.refreshIfStale();
    return [...this.states.values()];
  }

  get(name: string): ExperimentState | undefined {
    this.refreshIfStale();
    return this.states.get(name);
  }

  /** The user's arm of each running experiment they fall in. */
  armsOf(userId: string): UserArm[] {
    this.refreshIfStale();
    const arms: UserArm[] = [];
    for (const state of this.states.values()) {
      if (!state.running) continue;
      const arm = assignArm(state.experiment, userId);
      if (arm !== undefined) arms.push({ experiment: state.experiment.name, arm });
    }
    return arms;
  }

  /** What the user's arms set; empty (the services' own settings) outside every experiment. */
  settingsOf(userId: string): EffectiveSettings {
    const arms = this.armsOf(userId);
    const settings: EffectiveSettings = { arms };
    for (const { arm } of arms) merge(settings, arm.settings);
    return settings;
  }

  /**
   * Stops an experiment for every process: its users see the services' own settings again
   * (here at once, elsewhere within `refreshMs`) and results count nothing after the stop.
   * Stopping a stopped experiment changes nothing. Undefined for an unknown name.
   */
  async stop(name: string): Promise<ExperimentState | undefined> {
    const state = this.states.get(name);
    if (state === undefined) return undefined;
    if (!state.running) return state;
    const stoppedAt = this.now();
    await this.options.store?.upsert(EXPERIMENTS_COLLECTION, [
      { id: name, vectors: { [MARKER_VECTOR]: [1] }, payload: { name, stoppedAt } },
    ]);
    const stopped = { ...state, running: false, stoppedAt };
    this.states.set(name, stopped);
    this.log.info({ experiment: name, stoppedAt }, 'experiment stopped');
    return stopped;
  }

  private refreshIfStale(): void {
    if (this.options.store === undefined || this.reading !== undefined) return;
    if (this.now() - this.readAt < this.options.refreshMs) return;
    this.reading = this.readStops()
      .catch((err: unknown) => {
        // The stops in hand stay; the next call past the period tries again.
        this.log.warn({ err }, 'could not read experiment stops; keeping the last ones');
      })
      .finally(() => {
        this.reading = undefined;
      });
  }

  private async readStops(): Promise<void> {
    const store = this.options.store;
    if (store === undefined) return;
    this.readAt = this.now();
    const points = await store.retrieve(EXPERIMENTS_COLLECTION, [...this.states.keys()]);
    for (const point of points) {
      const name = typeof point.payload.name === 'string' ? point.payload.name : point.id;
      const state = this.states.get(name);
      const stoppedAt = point.payload.stoppedAt;
      if (state === undefined || typeof stoppedAt !== 'number' || !state.running) continue;
      this.states.set(name, { ...state, running: false, stoppedAt });
    }
  }
}

function merge(into: EffectiveSettings, settings: ArmSettings): void {
  const recommender = settings.recommender;
  if (recommender?.mmrLambda !== undefined) into.mmrLambda = recommender.mmrLambda;
  if (recommender?.blendWeights !== undefined)
    into.blendWeights = { ...into.blendWeights, ...recommender.blendWeights };
  if (settings.generation?.bandit !== undefined) into.bandit = settings.generation.bandit;
}
