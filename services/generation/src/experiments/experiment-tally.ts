import {
  type ConsumedEvent,
  consumeUserEvents,
  DeliveredOffsets,
  type EventBus,
  type ExperimentRegistry,
  EXPOSURE_CONTEXT_PREFIX,
  type Logger,
  type Subscription,
  type UserKeyVault,
} from '@tailor/kit';

import {
  type ArmOutcomes,
  type ExperimentResults,
  experimentResults,
} from '../domain/experiments/results.js';

/** Consumer group of the experiments' replay; ephemeral, so it never commits offsets. */
export const EXPERIMENTS_GROUP_ID = 'generation-experiments';
/**
 * Recommendation ids remembered per exposed user, newest kept: a click on an older list of
 * theirs no longer counts toward click-through (it still counts nothing else). With the user's
 * counts, about 1 kB per exposed user at most.
 */
export const LISTS_KEPT_PER_USER = 16;

/** Per-experiment results, with what the limit on users left out. */
export interface TalliedResults extends ExperimentResults {
  /** Impressions of users exposed after the first `maxUsers`, counted nowhere else. */
  impressionsNotCounted: number;
}

interface UserTally {
  arm: string;
  subject: string | undefined;
  firstExposureAt: number;
  impressions: number;
  clicks: number;
  converted: boolean;
  revenue: number;
  lists: string[];
}

/** Options of {@link ExperimentTally}. */
export interface ExperimentTallyOptions {
  bus: EventBus;
  experiments: ExperimentRegistry;
  logger: Logger;
  /** Opens sealed events, and says which users were forgotten since they were counted. */
  vault?: UserKeyVault;
  /**
   * Most exposed users held per experiment (`EXPERIMENTS_MAX_USERS`): the tally lives in
   * memory, and a user exposed after the first this many is left out of the results.
   */
  maxUsers: number;
}

/**
 * Keeps, per experiment, what each exposed user did, from `user-events`: an impression naming
 * the user's arm (`experiment.<name>` in its context, set by the recommender) is the logged
 * exposure; after the first one, clicks on the user's exposed lists, add-to-carts, purchases
 * and purchase values count for that arm until the experiment stops. Held in memory as a cache
 * of the log: each start replays the topic from the beginning (an ephemeral subscription), so
 * every replica converges on the same figures and a forgotten user's sealed events are no
 * longer read.
 */
export class ExperimentTally {
  /** experiment name → user id → tally. */
  private readonly users = new Map<string, Map<string, UserTally>>();
  /** experiment name → impressions of users past `maxUsers`. */
  private readonly notCounted = new Map<string, number>();
  private readonly delivered = new DeliveredOffsets();
  private readonly log: Logger;
  private subscription: Subscription | null = null;
  /** Events read so far, for a caller waiting for a replay. */
  eventsRead = 0;

  constructor(private readonly options: ExperimentTallyOptions) {
    this.log = options.logger.child({ component: 'experiment-tally' });
  }

  async start(): Promise<void> {
    if (this.options.experiments.list().length === 0) return;
    this.subscription = await consumeUserEvents({
      bus: this.options.bus,
      groupId: EXPERIMENTS_GROUP_ID,
      logger: this.options.logger,
      fromBeginning: true,
      ephemeral: true,
      // Profiles owns the dead-letter queue; a bad message is dead-lettered once.
      deadLetters: false,
      ...(this.options.vault === undefined ? {} : { vault: this.options.vault }),
      handle: async (events) => {
        this.apply(events);
      },
    });
    this.log.info('experiments replay started');
  }

  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.stop();
  }

  /** Counts a batch of one partition, in log order; a redelivered batch counts once. */
  apply(events: readonly ConsumedEvent[]): void {
    for (const consumed of events) {
      if (!this.delivered.first(consumed)) continue;
      this.eventsRead += 1;
      this.count(consumed);
    }
  }

  /**
   * The results of one experiment per arm, in the order of its definition. Users forgotten
   * since they were counted are dropped first (their keys are gone from the vault).
   */
  async results(name: string): Promise<TalliedResults | undefined> {
    const state = this.options.experiments.get(name);
    if (state === undefined) return undefined;
    const users = this.users.get(name) ?? new Map<string, UserTally>();
    await this.dropForgotten(users);
    const byArm = new Map<string, ArmOutcomes['users'][number][]>(
      state.experiment.arms.map((arm) => [arm.name, []]),
    );
    for (const tally of users.values()) byArm.get(tally.arm)?.push(tally);
    return {
      ...experimentResults(
        state.experiment.arms.map((arm) => ({ arm: arm.name, users: byArm.get(arm.name) ?? [] })),
      ),
      impressionsNotCounted: this.notCounted.get(name) ?? 0,
    };
  }

  private count({ event, subject }: ConsumedEvent): void {
    for (const state of this.options.experiments.list()) {
      const name = state.experiment.name;
      if (state.stoppedAt !== null && event.timestamp > state.stoppedAt) continue;
      const users = this.users.get(name) ?? new Map<string, UserTally>();
      this.users.set(name, users);
      let tally = users.get(event.userId);
      if (event.type === 'impression') {
        const arm = event.context?.[`${EXPOSURE_CONTEXT_PREFIX}${name}`];
        if (arm === undefined || !state.experiment.arms.some((a) => a.name === arm)) continue;
        if (tally === undefined) {
          if (users.size >= this.options.maxUsers) {
            this.notCounted.set(name, (this.notCounted.get(name) ?? 0) + 1);
            continue;
          }
          tally = {
            arm,
            subject,
            firstExposureAt: event.timestamp,
            impressions: 0,
            clicks: 0,
            converted: false,
            revenue: 0,
            lists: [],
          };
          users.set(event.userId, tally);
        }
        // An arm is the hash's, so one user has one; an impression naming another came from a
        // changed definition, and counting it would mix arms.
        if (tally.arm !== arm) continue;
        tally.impressions += 1;
        const list = event.context?.recommendationId;
        if (list !== undefined && !tally.lists.includes(list)) {
          tally.lists.push(list);
          if (tally.lists.length > LISTS_KEPT_PER_USER) tally.lists.shift();
        }
        continue;
      }
      if (tally === undefined || event.timestamp < tally.firstExposureAt) continue;
      const list = event.context?.recommendationId;
      switch (event.type) {
        case 'click':
          if (list !== undefined && tally.lists.includes(list)) tally.clicks += 1;
          break;
        case 'add_to_cart':
          tally.converted = true;
          break;
        case 'purchase':
          tally.converted = true;
          tally.revenue += Math.max(0, event.value ?? 0);
          break;
        default:
          break;
      }
    }
  }

  private async dropForgotten(users: Map<string, UserTally>): Promise<void> {
    const vault = this.options.vault;
    if (vault === undefined) return;
    const subjects = [...new Set([...users.values()].flatMap((t) => t.subject ?? []))];
    if (subjects.length === 0) return;
    const live = await vault.keysForReading(subjects);
    for (const [userId, tally] of users)
      if (tally.subject !== undefined && !live.has(tally.subject)) users.delete(userId);
  }
}
