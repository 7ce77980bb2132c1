import { createHash } from 'node:crypto';

import {
  type ConsumedEvent,
  consumeUserEvents,
  DeliveredOffsets,
  type EventBus,
  type Logger,
  type Subscription,
  type UserKeyVault,
} from '@tailor/kit';

import { CONVERSION_TYPES } from '../domain/loop/attribution.js';
import { surfaceOfBucket } from '../domain/loop/context.js';
import { CreativeStatsTally, type StatShowing } from '../domain/loop/creative-stats.js';
import { choiceOf } from '../domain/loop/decision-event.js';
import {
  type LedgerCredit,
  ledgerEventOf,
  type LedgerShowing,
  ShowingLedger,
} from '../domain/loop/ledger.js';
import type { RewardWeights } from '../domain/loop/rewards.js';
import type { VariantDecision } from './creative-loop.js';

/** Consumer group of the rewards' feed; ephemeral, so it never commits offsets. */
export const REWARDS_GROUP_ID = 'generation-rewards';

/**
 * Showings held for crediting, about 300 bytes each: a day of choices of a busy replica at the
 * default window would need more, and the oldest then go first (their events earn nothing).
 */
export const MAX_SHOWINGS = 200_000;

/** Event ids remembered so an event delivered twice (a client's retry) is credited once. */
export const MAX_EVENT_IDS = 200_000;

/**
 * How often the feed checks, in the key vault, whether users it holds were forgotten (besides
 * before every read of the stats): the longest a forgotten user's showings and per-user
 * evidence outlive their `forgetUser` in this process.
 */
export const FORGET_SWEEP_MS = 60_000;

/** A showing as the feed holds it: what crediting and the stats need. */
type FeedShowing = LedgerShowing & StatShowing;

/** Options of {@link RewardFeed}. */
export interface RewardFeedOptions {
  /** `user-events`; without it only this process's showings are counted and nothing credited. */
  bus?: EventBus | undefined;
  /**
   * Counts a choice read from the log that this process did not make (another replica's, or
   * one made before this start) as an impression of its angle in its bucket, for its user.
   */
  impression: (decision: Pick<VariantDecision, 'bucket' | 'angle'>, userId: string) => void;
  /** Credits a showing's angle in its bucket and for its user (the loop's posteriors). */
  reward: (
    decision: Pick<VariantDecision, 'bucket' | 'angle'>,
    reward: number,
    userId: string,
  ) => void;
  /** The users whose own evidence the loop holds, checked with the showings for forgetting. */
  shoppers?: () => Iterable<string>;
  /** Drops the loop's evidence of users found forgotten. */
  forgetShoppers?: (userIds: readonly string[]) => void;
  /** `FORGET_SWEEP_MS` unless a test says otherwise; 0: only before stats are read. */
  forgetSweepMs?: number;
  weights: RewardWeights;
  /** `GENERATION_ATTRIBUTION_WINDOW_MS`. */
  windowMs: number;
  logger: Logger;
  /**
   * Opens sealed events (clicks carry the creative id in their sealed context), and says which
   * users were forgotten since their showings were counted.
   */
  vault?: UserKeyVault | undefined;
  maxShowings?: number;
}

/**
 * Feeds the bandit from `user-events`, read from the beginning at every start: every variant
 * choice is logged there as an impression of its user (`BusDecisionSink`), so each replica
 * holds every replica's showings (with their users, in memory) and counts them in its
 * posteriors; a click, like, share, add-to-cart or purchase carrying a shown variant's
 * `context.creativeId` within the attribution window adds that event type's weight to the
 * showing's angle in its bucket. The posteriors are then a function of the log: durable across
 * restarts and the same on every replica once each has read as far.
 */
export class RewardFeed {
  private readonly ledger: ShowingLedger<FeedShowing>;
  /** Per creative, angle and surface: what the held showings and their credits add up to. */
  readonly stats = new CreativeStatsTally();
  /**
   * Subjects seen with a key in the vault (see {@link dropForgotten}), with a fingerprint of
   * that key once a sweep has read it: a key that changed was deleted and made anew, so the
   * user was forgotten even if they came back before the sweep.
   */
  private readonly keyed = new Map<string, string | undefined>();
  private sweep: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;
  private readonly delivered = new DeliveredOffsets();
  private readonly log: Logger;
  private subscription: Subscription | null = null;
  /** Rewards credited so far, for tests and the log. */
  credited = 0;
  /** Events read from the log so far, for a caller waiting for a replay. */
  eventsRead = 0;

  constructor(private readonly options: RewardFeedOptions) {
    this.log = options.logger.child({ component: 'reward-feed' });
    this.ledger = new ShowingLedger<FeedShowing>({
      windowMs: options.windowMs,
      weights: options.weights,
      maxShowings: options.maxShowings ?? MAX_SHOWINGS,
      maxEventIds: MAX_EVENT_IDS,
    });
  }

  /** Holds a showing; the loop calls it for every new choice. */
  shown(decision: VariantDecision, userId: string): void {
    const { decisionId, at, creativeId, recommendationId, angle, bucket, itemId, format } =
      decision;
    const showing: FeedShowing = {
      decisionId,
      at,
      creativeId,
      recommendationId,
      angle,
      bucket,
      userId,
      subject: this.options.vault?.subjectOf(userId),
      itemId,
      format,
      surface: surfaceOfBucket(bucket),
    };
    if (this.ledger.show(showing)) this.stats.shown(showing);
  }

  /**
   * Takes the showings of users forgotten since they were counted out of the stats (their keys
   * are gone from the vault, or were made anew), and out of the ledger, so nothing of theirs is
   * credited later, and drops the loop's per-user evidence of them. Called before stats are
   * read and every {@link FORGET_SWEEP_MS}; one vault read of the subjects of the held
   * showings and shoppers. A user shown a variant before any event of theirs was sealed has no
   * key yet, which is not being forgotten: only a subject once seen with a key and now without
   * it (or with another) is dropped. Returns the showings taken out.
   */
  async dropForgotten(): Promise<number> {
    // One check at a time: a sweep and a stats read share the one under way.
    this.sweeping ??= this.checkForgotten().finally(() => {
      this.sweeping = null;
    });
    return this.sweeping;
  }

  private async checkForgotten(): Promise<number> {
    const vault = this.options.vault;
    if (vault === undefined) return 0;
    const shoppersOf = new Map<string, string[]>();
    for (const userId of this.options.shoppers?.() ?? []) {
      const subject = vault.subjectOf(userId);
      const users = shoppersOf.get(subject);
      if (users === undefined) shoppersOf.set(subject, [userId]);
      else users.push(userId);
    }
    const subjects = [...new Set([...this.ledger.subjects(), ...shoppersOf.keys()])];
    if (subjects.length === 0) return 0;
    const live = await vault.keysForReading(subjects);
    const forgotten = new Set<string>();
    for (const subject of subjects) {
      const key = live.get(subject);
      const seen = this.keyed.get(subject);
      if (key === undefined) {
        if (this.keyed.delete(subject)) forgotten.add(subject);
        continue;
      }
      const fingerprint = createHash('sha256').update(key).digest('base64url').slice(0, 16);
      if (seen !== undefined && seen !== fingerprint) forgotten.add(subject);
      this.keyed.set(subject, fingerprint);
    }
    if (forgotten.size === 0) return 0;
    const users = [...forgotten].flatMap((subject) => shoppersOf.get(subject) ?? []);
    if (users.length > 0) this.options.forgetShoppers?.(users);
    const removed = this.ledger.remove((s) => s.subject !== undefined && forgotten.has(s.subject));
    for (const { shown, types, reward } of removed) {
      this.stats.removed(shown, {
        clicked: types.includes('click'),
        converted: types.some((t) => CONVERSION_TYPES.includes(t)),
        reward,
      });
    }
    return removed.length;
  }

  async start(): Promise<void> {
    if (this.options.bus === undefined) return;
    this.subscription = await consumeUserEvents({
      bus: this.options.bus,
      groupId: REWARDS_GROUP_ID,
      logger: this.options.logger,
      // The whole log: the posteriors, showings and stats are rebuilt from it at every start
      // (ephemeral, so every replica reads all of it and they agree).
      fromBeginning: true,
      ephemeral: true,
      // Profiles owns the dead-letter queue; a bad message is dead-lettered once.
      deadLetters: false,
      ...(this.options.vault === undefined ? {} : { vault: this.options.vault }),
      handle: async (events) => {
        this.apply(events);
      },
    });
    const every = this.options.forgetSweepMs ?? FORGET_SWEEP_MS;
    if (this.options.vault !== undefined && every > 0) {
      this.sweep = setInterval(() => {
        this.dropForgotten().catch((err: unknown) => {
          // The next sweep or stats read tries again; serving goes on meanwhile.
          this.log.warn({ err }, 'forgotten users not checked');
        });
      }, every);
      this.sweep.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.sweep !== null) clearInterval(this.sweep);
    this.sweep = null;
    await this.sweeping?.catch(() => undefined);
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.stop();
  }

  /** Credits a batch of one partition, in log order; a redelivered batch counts once. */
  apply(events: readonly ConsumedEvent[]): LedgerCredit<FeedShowing>[] {
    const credits: LedgerCredit<FeedShowing>[] = [];
    for (const consumed of events) {
      if (!this.delivered.first(consumed)) continue;
      this.eventsRead += 1;
      const { event } = consumed;
      if (consumed.subject !== undefined && !this.keyed.has(consumed.subject))
        this.keyed.set(consumed.subject, undefined);
      const choice = choiceOf(event);
      if (choice !== undefined) {
        const showing: FeedShowing = {
          ...choice,
          userId: event.userId,
          subject: consumed.subject,
          surface: surfaceOfBucket(choice.bucket),
        };
        // Held already when this process made the choice: it counted it then.
        if (this.ledger.show(showing)) {
          this.stats.shown(showing);
          this.options.impression(choice, event.userId);
        }
        continue;
      }
      const credit = this.ledger.credit(ledgerEventOf(event));
      if (credit === undefined) continue;
      this.stats.credited(credit.shown, credit);
      if (credit.added <= 0) continue;
      this.options.reward(credit.shown, credit.added, credit.shown.userId);
      this.credited += 1;
      credits.push(credit);
      this.log.debug(
        { decisionId: credit.shown.decisionId, angle: credit.shown.angle, added: credit.added },
        'variant rewarded',
      );
    }
    return credits;
  }
}
