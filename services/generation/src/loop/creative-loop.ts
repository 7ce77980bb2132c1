import { randomUUID } from 'node:crypto';

import type { Logger, RandomSource } from '@tailor/kit';

import { LruCache } from '../cache/lru-cache.js';
import type { Angle } from '../domain/loop/angles.js';
import { type BanditSettings, BetaPosteriors, chooseArm } from '../domain/loop/bandit.js';
import { contextBucket } from '../domain/loop/context.js';
import { type CreativeFormat, creativeId } from '../domain/loop/creative.js';
import { MAX_BUCKETS_PER_SHOPPER, ShopperEvidence } from '../domain/loop/shoppers.js';
import { THUMBNAIL_VERSION } from '../domain/thumbnail.js';

/**
 * One choice of a variant, as it is logged: enough to credit it with a reward later (by
 * creative id and recommendation id) and to evaluate another policy on it (bucket, the
 * available angles' probabilities, the chosen one's propensity). No user id: a sink that logs
 * per user gets it apart and seals it (the log outlives a user's right to be forgotten).
 */
export interface VariantDecision {
  decisionId: string;
  /** Epoch ms of the choice. */
  at: number;
  /** The served list the variant was chosen for; null outside a recommendation. */
  recommendationId: string | null;
  itemId: string;
  format: CreativeFormat;
  /** The context bucket of the choice: format, surface and the user's top category. */
  bucket: string;
  angle: Angle;
  creativeId: string;
  /** The probability the policy gave the chosen angle. */
  propensity: number;
  /** Every available angle's probability (summing to 1). */
  probabilities: Partial<Record<Angle, number>>;
  /** Whether the bandit chose (false: variants are off and `interest` was shown). */
  explored: boolean;
}

/** Where decisions go once made (a topic, a test's array). */
export interface DecisionSink {
  /** `userId` is for a sink that logs per user (sealed, on the user's topic); others drop it. */
  record(decision: VariantDecision, userId: string): void;
}

/** What a slot's variant is chosen for. */
export interface VariantSlot {
  userId: string;
  itemId: string;
  format: CreativeFormat;
  recommendationId: string | null;
  /** Where the variant is shown (the served list's surface); undefined when no one said. */
  surface?: string | undefined;
  /** The user's strongest category, from their interest summary. */
  topCategory: string | undefined;
  /**
   * False: this user's arm of an experiment turns the bandit off, so the slot gets the
   * `interest` angle with propensity 1 (true turns it on even when the loop is off); undefined
   * follows the loop's own setting.
   */
  variants?: boolean | undefined;
}

/** Options of {@link CreativeLoop}. */
/**
 * What the bandit has learnt: each angle's posterior per context bucket and each user's own
 * evidence. Fed by the loop's own choices and by the reward feed (other replicas' choices and
 * every credited event), read by the loop's choices; both depend on it, neither on the other.
 */
export class BanditEvidence {
  readonly posteriors: BetaPosteriors<Angle>;
  /** Each user's own showings and rewards per bucket: personal data, in memory only. */
  readonly shoppers: ShopperEvidence<Angle>;

  constructor(settings: BanditSettings, maxShoppers: number) {
    this.posteriors = new BetaPosteriors<Angle>(settings.priorStrength);
    this.shoppers = new ShopperEvidence<Angle>({
      // Nothing to hold when the bandit chooses by the bucket alone.
      maxShoppers: settings.shopperPriorStrength > 0 ? maxShoppers : 0,
      maxBucketsPerShopper: MAX_BUCKETS_PER_SHOPPER,
    });
  }

  /** Counts a showing of an angle in its bucket, for the user it was shown to. */
  impression(decision: Pick<VariantDecision, 'bucket' | 'angle'>, userId: string): void {
    this.posteriors.recordImpression(decision.bucket, decision.angle);
    this.shoppers.recordImpression(userId, decision.bucket, decision.angle);
  }

  /** Credits a decision's angle in its bucket, and for the user it was shown to, with a reward in [0, 1]. */
  reward(
    decision: Pick<VariantDecision, 'bucket' | 'angle'>,
    reward: number,
    userId: string,
  ): void {
    this.posteriors.recordReward(decision.bucket, decision.angle, reward);
    this.shoppers.recordReward(userId, decision.bucket, decision.angle, reward);
  }

  /**
   * Drops what is held of each of these users (forgotten): their next choices are their
   * bucket's. The bucket's posteriors are sums over users and keep their counts until the next
   * start, whose replay no longer opens the forgotten users' sealed events.
   */
  forgetShoppers(userIds: Iterable<string>): number {
    let dropped = 0;
    for (const userId of userIds) if (this.shoppers.forget(userId)) dropped += 1;
    return dropped;
  }
}

export interface CreativeLoopOptions {
  /** When false, every slot gets the `interest` angle (the copy written before variants). */
  enabled: boolean;
  settings: BanditSettings;
  /**
   * The evidence the loop chooses by and counts its own choices into; its own (of
   * `maxShoppers` users) when absent. The service shares one with the reward feed.
   */
  evidence?: BanditEvidence;
  /**
   * Shoppers whose own evidence is held for the per-shopper level (`GENERATION_BANDIT_MAX_SHOPPERS`);
   * past it the least recently updated go first and are chosen for by their bucket alone.
   */
  maxShoppers: number;
  random: RandomSource;
  /** The configured writer's prompt version: part of every creative id. */
  promptVersion: string;
  /**
   * How long a user keeps seeing the variant chosen for an (item, format): a refreshed feed
   * shows the same card, and one choice is one trial for the bandit, however often it is seen.
   */
  stickyMs: number;
  /** Sticky choices kept in memory (least recently used evicted first). */
  stickyMaxEntries: number;
  sink: DecisionSink;
  /**
   * Told of every new choice with the user it was made for (in memory only: the decision log
   * names no user), so events the variant earns can be credited to it.
   */
  onShown?: (decision: VariantDecision, userId: string) => void;
  logger: Logger;
  now?: () => number;
}

/**
 * Chooses which variant a user sees: Thompson sampling over the angles an item offers, per
 * context bucket, each user's own evidence in that bucket shrunk toward it, with the
 * propensity of each choice logged. Holds the posteriors and the per-user evidence of this
 * process; rewards come in through {@link reward}.
 */
export class CreativeLoop {
  readonly evidence: BanditEvidence;
  private readonly sticky: LruCache<string, VariantDecision>;
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(private readonly options: CreativeLoopOptions) {
    this.evidence = options.evidence ?? new BanditEvidence(options.settings, options.maxShoppers);
    this.now = options.now ?? Date.now;
    this.sticky = new LruCache({ maxEntries: options.stickyMaxEntries, now: this.now });
    this.log = options.logger.child({ component: 'creative-loop' });
  }

  get enabled(): boolean {
    return this.options.enabled;
  }

  get posteriors(): BetaPosteriors<Angle> {
    return this.evidence.posteriors;
  }

  /** Each user's own showings and rewards per bucket: personal data, in memory only. */
  get shoppers(): ShopperEvidence<Angle> {
    return this.evidence.shoppers;
  }

  /**
   * The creative id of an angle on an item in a format: with the configured writer's prompt
   * version for copy, the composition's version for thumbnails (no writer draws those).
   */
  creativeIdOf(itemId: string, angle: Angle, format: CreativeFormat): string {
    const promptVersion = format === 'THUMBNAIL' ? THUMBNAIL_VERSION : this.options.promptVersion;
    return creativeId({ itemId, angle, format, promptVersion });
  }

  /**
   * The variant of this slot: the user's sticky choice for the item and format while it lasts
   * and its angle is still on offer, else a new choice among `angles`, logged.
   */
  choose(slot: VariantSlot, angles: readonly Angle[]): VariantDecision {
    const enabled = slot.variants ?? this.options.enabled;
    const offered: readonly Angle[] = enabled ? angles : ['interest'];
    const stickyKey = JSON.stringify([slot.userId, slot.itemId, slot.format]);
    // Checked against what is offered now: a variant chosen while the user's arm had the
    // bandit on is not kept once it is off.
    const held = this.sticky.get(stickyKey);
    if (held !== undefined && offered.includes(held.angle)) return held;
    const bucket = `${slot.format.toLowerCase()}|${contextBucket({ surface: slot.surface, topCategory: slot.topCategory })}`;
    const choice = chooseArm(
      this.posteriors,
      bucket,
      offered,
      this.options.settings,
      this.options.random,
      this.shoppers.evidence(slot.userId, bucket),
    );
    const decision: VariantDecision = {
      decisionId: randomUUID(),
      at: this.now(),
      recommendationId: slot.recommendationId,
      itemId: slot.itemId,
      format: slot.format,
      bucket,
      angle: choice.arm,
      creativeId: this.creativeIdOf(slot.itemId, choice.arm, slot.format),
      propensity: choice.propensity,
      probabilities: Object.fromEntries(choice.probabilities),
      explored: enabled,
    };
    this.evidence.impression(decision, slot.userId);
    this.options.onShown?.(decision, slot.userId);
    if (this.options.stickyMs > 0)
      this.sticky.set(stickyKey, decision, { ttlMs: this.options.stickyMs });
    try {
      this.options.sink.record(decision, slot.userId);
    } catch (err) {
      // A lost log line costs an off-policy sample, never the user's answer.
      this.log.warn({ err, decisionId: decision.decisionId }, 'variant decision not logged');
    }
    return decision;
  }

  /** Counts a choice read from the log (another replica's, or an earlier run's) for its user. */
  impression(decision: Pick<VariantDecision, 'bucket' | 'angle'>, userId: string): void {
    this.evidence.impression(decision, userId);
  }

  /** Credits a decision's angle in its bucket, and for the user it was shown to, with a reward in [0, 1]. */
  reward(
    decision: Pick<VariantDecision, 'bucket' | 'angle'>,
    reward: number,
    userId: string,
  ): void {
    this.evidence.reward(decision, reward, userId);
  }

  /** See {@link BanditEvidence.forgetShoppers}. */
  forgetShoppers(userIds: Iterable<string>): number {
    return this.evidence.forgetShoppers(userIds);
  }
}

/** Decisions kept in memory, newest last, at most `max`: for tests and the graph's stats. */
export class MemoryDecisionSink implements DecisionSink {
  readonly decisions: VariantDecision[] = [];
  constructor(private readonly max = 10_000) {}
  record(decision: VariantDecision): void {
    this.decisions.push(decision);
    if (this.decisions.length > this.max)
      this.decisions.splice(0, this.decisions.length - this.max);
  }
}

/**
 * Decisions as structured debug lines of the service's log: the log collector keeps them when
 * nothing else is configured.
 */
export class LogDecisionSink implements DecisionSink {
  private readonly log: Logger;
  constructor(logger: Logger) {
    this.log = logger.child({ component: 'variant-decisions' });
  }
  record(decision: VariantDecision): void {
    this.log.debug({ decision }, 'variant chosen');
  }
}

/** Every decision to each of several sinks (the log and the topic, say). */
export class TeeDecisionSink implements DecisionSink {
  private readonly sinks: readonly DecisionSink[];
  constructor(...sinks: DecisionSink[]) {
    this.sinks = sinks;
  }
  record(decision: VariantDecision, userId: string): void {
    for (const sink of this.sinks) sink.record(decision, userId);
  }
}
