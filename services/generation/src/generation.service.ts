import {
  type ExperimentRegistry,
  type Logger,
  NotFoundError,
  type ProfilePayload,
  PROFILES_COLLECTION,
  readProfilePayload,
  type StoredPoint,
  type VectorStore,
} from '@tailor/kit';
import DataLoader from 'dataloader';

import { LruCache } from './cache/lru-cache.js';
import type { AdFormat } from './domain/copy.js';
import type { ItemFacts } from './domain/facts.js';
import {
  interestKey,
  type InterestSummary,
  likedItemIds,
  NO_INTERESTS,
  summarizeInterests,
} from './domain/interests.js';
import type { Angle } from './domain/loop/angles.js';
import { adCreativeFormat, type CreativeFormat } from './domain/loop/creative.js';
import { THUMBNAIL_VERSION } from './domain/thumbnail.js';
import { availableAngles } from './domain/variants.js';
import type { ItemReader } from './item-reader.js';
import type { CreativeLoop } from './loop/creative-loop.js';
import type { GenerationKind, GenerationMetrics } from './metrics.js';
import type { ThumbnailResult, ThumbnailService } from './thumbnails/thumbnail.service.js';
import { BackgroundQueue } from './writers/background-queue.js';
import {
  type CopyWriter,
  type LabelledAd,
  type LabelledDescription,
  TEMPLATE_CHOSEN_REASON,
  type TemplateStandIn,
} from './writers/copy-writer.js';

/**
 * One thing a request asks for. `userId` is null for a thumbnail asked without a user;
 * `recommendationId` is the served list it is shown in and `surface` where that list is shown
 * (the recommender's word on it), both null outside one (an Item field).
 */
export type GenerationRequest = (
  | { kind: 'description'; itemId: string; userId: string }
  | { kind: 'ad'; itemId: string; userId: string; format: AdFormat }
  | { kind: 'thumbnail'; itemId: string; userId: string | null; width: number; height: number }
) &
  ShownIn;

/** Where an output is shown: a served list and its surface, or nowhere in particular. */
export interface ShownIn {
  recommendationId: string | null;
  surface: string | null;
}

const NOWHERE: ShownIn = Object.freeze({ recommendationId: null, surface: null });

/** A request with the angle its variant is written from. */
type VariantRequest = GenerationRequest & { angle: Angle };

type Generated = LabelledDescription | LabelledAd | ThumbnailResult;

/** How the loop chose a user's variant, as the graph shows it (`VariantChoice`). */
export interface VariantChoice {
  /** The context bucket the choice was made and learns in: `format|surface|top category`. */
  bucket: string;
  /** The probability the policy gave the angle shown. */
  propensity: number;
  /** Every angle offered, with its probability, most probable first. */
  offered: { angle: Angle; probability: number }[];
  /** False when the variants were off for the user (their arm, or the setting). */
  byBandit: boolean;
  /** When the choice was made: a sticky choice is older than the request. */
  chosenAt: Date;
}

/** Which variant an answer is: its angle, its stable creative id and how it was chosen. */
export interface VariantLabel {
  angle: Angle;
  creativeId: string;
  /** Null when no choice was made: a thumbnail asked without a user. */
  choice: VariantChoice | null;
}
type Served = Generated & VariantLabel;

/** Options of {@link GenerationService}. */
export interface GenerationServiceOptions {
  /** Where profiles are read from. */
  store: VectorStore;
  /** Where items' facts are read from (the thumbnail service reads through the same). */
  items: ItemReader;
  writer: CopyWriter;
  thumbnails: ThumbnailService;
  metrics: GenerationMetrics;
  logger: Logger;
  /** Entries of the generation cache. */
  cacheMaxEntries: number;
  /** How long a template answer that replaced a failed LLM call is reused. */
  fallbackCacheTtlMs: number;
  /** How long one GraphQL request waits for model answers in total. */
  requestBudgetMs: number;
  /** How long a grounded model answer is served from the cache. */
  cacheTtlMs: number;
  /** LLM time one background answer may take, retries included. */
  jobBudgetMs: number;
  /** Model answers written at once in the background. */
  concurrency: number;
  /** Model answers waiting for a writer; past it new work is dropped. */
  queueMaxJobs: number;
  /** Chooses each slot's variant and logs the choice. */
  loop: CreativeLoop;
  /** A/B experiments: a user's arm may turn the bandit off for them. */
  experiments?: ExperimentRegistry;
}

/** What a request whose model answer is not ready gets told, and the metric label of each. */
const PENDING_REASON = 'request budget exhausted; model answer pending';
const QUEUE_FULL_REASON = 'generation queue full';

/** What a request needs from the stores, read in one go for the whole batch. */
interface BatchInputs {
  items: Map<string, ItemFacts>;
  interests: Map<string, InterestSummary>;
}

/**
 * Reads items and interest summaries from the store, writes descriptions, ads and thumbnails,
 * and caches them by (item version, interest summary, kind, format, provider, model, prompt
 * version). Each GraphQL request gets one DataLoader: everything a query asks for in one tick
 * (the five recommendations of a Home query) is one batch, with one store read per collection,
 * generated concurrently.
 */
export class GenerationService {
  private readonly cache: LruCache<string, Promise<Generated>>;
  private readonly loaders = new WeakMap<object, DataLoader<GenerationRequest, Served, string>>();
  private readonly log: Logger;
  private readonly jobs: BackgroundQueue<Generated>;

  constructor(private readonly options: GenerationServiceOptions) {
    this.cache = new LruCache({ maxEntries: options.cacheMaxEntries });
    this.log = options.logger.child({ component: 'generation' });
    this.jobs = new BackgroundQueue({
      concurrency: options.concurrency,
      maxQueued: options.queueMaxJobs,
    });
  }

  /** Takes no more background work and drops what waits; running answers finish on their own. */
  close(): void {
    this.jobs.close();
  }

  /** Model answers being written now, and waiting for a writer. */
  get backgroundJobs(): { active: number; queued: number } {
    return { active: this.jobs.active, queued: this.jobs.queued };
  }

  /** The description of an item for a user, within the request `scope` (the GraphQL context). */
  description(
    scope: object,
    log: Logger,
    itemId: string,
    userId: string,
    shownIn: ShownIn = NOWHERE,
  ): Promise<LabelledDescription & VariantLabel> {
    return this.loader(scope, log).load({
      kind: 'description',
      itemId,
      userId,
      ...shownIn,
    }) as Promise<LabelledDescription & VariantLabel>;
  }

  ad(
    scope: object,
    log: Logger,
    itemId: string,
    userId: string,
    format: AdFormat,
    shownIn: ShownIn = NOWHERE,
  ): Promise<LabelledAd & VariantLabel> {
    return this.loader(scope, log).load({
      kind: 'ad',
      itemId,
      userId,
      format,
      ...shownIn,
    }) as Promise<LabelledAd & VariantLabel>;
  }

  thumbnail(
    scope: object,
    log: Logger,
    itemId: string,
    userId: string | null,
    width: number,
    height: number,
    shownIn: ShownIn = NOWHERE,
  ): Promise<ThumbnailResult & VariantLabel> {
    return this.loader(scope, log).load({
      kind: 'thumbnail',
      itemId,
      userId,
      width,
      height,
      ...shownIn,
    }) as Promise<ThumbnailResult & VariantLabel>;
  }

  private loader(scope: object, log: Logger): DataLoader<GenerationRequest, Served, string> {
    let loader = this.loaders.get(scope);
    if (loader === undefined) {
      // The budget starts with the request's first generation and covers all of them.
      const deadline = Date.now() + this.options.requestBudgetMs;
      loader = new DataLoader<GenerationRequest, Served, string>(
        (keys) => this.batch(keys, deadline, log),
        {
          cacheKeyFn: (key) => JSON.stringify(key),
        },
      );
      this.loaders.set(scope, loader);
    }
    return loader;
  }

  private async batch(
    keys: readonly GenerationRequest[],
    deadline: number,
    log: Logger,
  ): Promise<(Served | Error)[]> {
    const inputs = await this.readInputs(keys, log);
    log.debug(
      { component: 'generation', batch: keys.length, items: inputs.items.size },
      'generation batch',
    );
    return Promise.all(
      keys.map(async (key) => {
        const facts = inputs.items.get(key.itemId);
        if (facts === undefined)
          return new NotFoundError(`Item ${JSON.stringify(key.itemId)} not found.`);
        const interests =
          key.userId === null ? NO_INTERESTS : (inputs.interests.get(key.userId) ?? NO_INTERESTS);
        try {
          const variant = this.variantOf(key, facts, interests);
          const request: VariantRequest = { ...key, angle: variant.angle };
          const answer =
            request.kind !== 'thumbnail' && this.options.writer.usesModel
              ? await this.modelAnswer(request, facts, interests, deadline, log)
              : await this.cached(request, facts, interests, () =>
                  this.generate(request, facts, interests, deadline, log),
                );
          return { ...answer, ...variant };
        } catch (err) {
          log.error({ err, kind: key.kind, itemId: key.itemId }, 'generation failed');
          return err instanceof Error ? err : new Error(String(err));
        }
      }),
    );
  }

  /**
   * The variant this slot shows: chosen by the loop among the angles the item offers this user
   * (and logged there), or the interest angle for a thumbnail asked without a user, which is
   * no one's impression to learn from.
   */
  private variantOf(
    key: GenerationRequest,
    facts: ItemFacts,
    interests: InterestSummary,
  ): VariantLabel {
    const format: CreativeFormat =
      key.kind === 'description'
        ? 'DESCRIPTION'
        : key.kind === 'ad'
          ? adCreativeFormat(key.format)
          : 'THUMBNAIL';
    const loop = this.options.loop;
    if (key.userId === null)
      return {
        angle: 'interest',
        creativeId: loop.creativeIdOf(facts.id, 'interest', format),
        choice: null,
      };
    const decision = loop.choose(
      {
        userId: key.userId,
        itemId: facts.id,
        format,
        recommendationId: key.recommendationId,
        surface: key.surface ?? undefined,
        topCategory: interests.categories[0]?.name,
        variants: this.options.experiments?.settingsOf(key.userId).bandit,
      },
      availableAngles(facts, interests),
    );
    const offered = Object.entries(decision.probabilities)
      .map(([angle, probability]) => ({ angle: angle as Angle, probability }))
      .sort((a, b) => b.probability - a.probability || a.angle.localeCompare(b.angle));
    return {
      angle: decision.angle,
      creativeId: decision.creativeId,
      choice: {
        bucket: decision.bucket,
        propensity: decision.propensity,
        offered,
        byBandit: decision.explored,
        chosenAt: new Date(decision.at),
      },
    };
  }

  private generate(
    key: VariantRequest,
    facts: ItemFacts,
    interests: InterestSummary,
    deadline: number,
    log: Logger,
  ): Promise<Generated> {
    const context = { deadline, forbiddenTerms: key.userId === null ? [] : [key.userId], log };
    switch (key.kind) {
      case 'description':
        return this.options.writer.description(facts, interests, context, key.angle);
      case 'ad':
        return this.options.writer.ad(facts, interests, key.format, context, key.angle);
      case 'thumbnail':
        return this.options.thumbnails.prepare(facts, interests, key.width, key.height, key.angle);
    }
  }

  /**
   * A cached answer, or the model's own when its background job finishes before the request's
   * deadline, or else the template's, labelled as standing in. The job goes on after the request
   * has its answer: a grounded model answer is cached for `cacheTtlMs`, a failed one (the
   * template with the reason) for `fallbackCacheTtlMs`, so the next request for the same item
   * and interests gets it. Only what passed the grounding check is ever labelled as the model's.
   */
  private async modelAnswer(
    key: Exclude<VariantRequest, { kind: 'thumbnail' }>,
    facts: ItemFacts,
    interests: InterestSummary,
    deadline: number,
    log: Logger,
  ): Promise<Generated> {
    const cacheKey = this.cacheKey(key, facts, interests);
    const hit = this.cache.get(cacheKey);
    if (hit !== undefined) {
      this.options.metrics.cacheLookup(key.kind, 'hit');
      return hit;
    }
    this.options.metrics.cacheLookup(key.kind, 'miss');
    const job =
      this.jobs.pending(cacheKey) ??
      this.jobs.submit(cacheKey, () => this.backgroundAnswer(cacheKey, key, facts, interests));
    if (job === undefined) {
      this.options.metrics.fallback('queue_full');
      this.options.metrics.backgroundJob('dropped');
      log.warn({ kind: key.kind, itemId: key.itemId }, 'generation queue full; work dropped');
      return this.standIn(key, facts, interests, log, {
        fallbackReason: QUEUE_FULL_REASON,
        modelAnswerPending: false,
      });
    }
    const answer = await settledBefore(job, deadline);
    if (answer !== undefined) return answer;
    this.options.metrics.fallback('budget_exhausted');
    return this.standIn(key, facts, interests, log, {
      fallbackReason: PENDING_REASON,
      modelAnswerPending: true,
    });
  }

  /** One model answer written with its own budget, then cached for the requests to come. */
  private async backgroundAnswer(
    cacheKey: string,
    key: Exclude<VariantRequest, { kind: 'thumbnail' }>,
    facts: ItemFacts,
    interests: InterestSummary,
  ): Promise<Generated> {
    this.options.metrics.backgroundJob('started');
    const answer = await this.generate(
      key,
      facts,
      interests,
      Date.now() + this.options.jobBudgetMs,
      this.log,
    );
    // The template chosen over a grounded model answer is a final answer, not a failure.
    const failed =
      'fallbackReason' in answer &&
      answer.fallbackReason !== null &&
      answer.fallbackReason !== TEMPLATE_CHOSEN_REASON;
    this.options.metrics.backgroundJob(failed ? 'failed' : 'written');
    const ttlMs = failed ? this.options.fallbackCacheTtlMs : this.options.cacheTtlMs;
    if (ttlMs > 0) this.cache.set(cacheKey, Promise.resolve(answer), { ttlMs });
    return answer;
  }

  private standIn(
    key: Exclude<VariantRequest, { kind: 'thumbnail' }>,
    facts: ItemFacts,
    interests: InterestSummary,
    log: Logger,
    stand: TemplateStandIn,
  ): Generated {
    const context = { forbiddenTerms: [key.userId], log };
    return key.kind === 'description'
      ? this.options.writer.templateDescription(facts, interests, stand, context, key.angle)
      : this.options.writer.templateAd(facts, interests, key.format, stand, context, key.angle);
  }

  private cacheKey(key: VariantRequest, facts: ItemFacts, interests: InterestSummary): string {
    const writer = this.options.writer.identity;
    const [format, provider, model, version] =
      key.kind === 'thumbnail'
        ? [`${key.width}x${key.height}`, 'svg', 'resvg', THUMBNAIL_VERSION]
        : [
            key.kind === 'ad' ? key.format : '-',
            writer.provider,
            writer.model,
            writer.promptVersion,
          ];
    return [
      facts.id,
      // The stored content's digest, not `updatedAt` alone: two writes in one millisecond, or a
      // point edited by hand, still make a new version.
      this.options.items.version(facts) ?? facts.updatedAt,
      interestKey(interests),
      key.kind,
      format,
      key.angle,
      provider,
      model,
      version,
    ].join('|');
  }

  /**
   * Concurrent asks for the same key share one promise. A template answer that stood in for a
   * failed LLM call is kept only briefly, so the LLM gets another chance soon.
   */
  private async cached(
    key: VariantRequest,
    facts: ItemFacts,
    interests: InterestSummary,
    produce: () => Promise<Generated>,
  ): Promise<Generated> {
    const cacheKey = this.cacheKey(key, facts, interests);
    const kind: GenerationKind = key.kind;
    const hit = this.cache.get(cacheKey);
    if (hit !== undefined) {
      this.options.metrics.cacheLookup(kind, 'hit');
      return hit;
    }
    this.options.metrics.cacheLookup(kind, 'miss');
    const pending = produce();
    this.cache.set(cacheKey, pending);
    try {
      const value = await pending;
      if ('fallbackReason' in value && value.fallbackReason !== null) {
        this.cache.set(cacheKey, pending, { ttlMs: this.options.fallbackCacheTtlMs });
      }
      return value;
    } catch (err) {
      this.cache.delete(cacheKey);
      throw err;
    }
  }

  private async readInputs(keys: readonly GenerationRequest[], log: Logger): Promise<BatchInputs> {
    const itemIds = [...new Set(keys.map((k) => k.itemId))];
    const userIds = [
      ...new Set(keys.map((k) => k.userId).filter((id): id is string => id !== null)),
    ];
    const [read, profiles] = await Promise.all([
      this.options.items.read(itemIds),
      this.readProfiles(userIds, log),
    ]);
    const items = new Map<string, ItemFacts>();
    for (const facts of read) items.set(facts.id, facts);
    const liked = [...new Set(profiles.flatMap((profile) => likedItemIds(profile)))];
    const likedItems = new Map<string, ItemFacts>(items);
    const missing = liked.filter((id) => !likedItems.has(id));
    if (missing.length > 0) {
      for (const facts of await this.options.items.read(missing)) likedItems.set(facts.id, facts);
    }
    const interests = new Map<string, InterestSummary>();
    for (const profile of profiles)
      interests.set(profile.userId, summarizeInterests(profile, likedItems));
    return { items, interests };
  }

  /**
   * Profiles of the users, read best-effort: without one (no events yet, or the profiles
   * collection not created yet) a user gets unpersonalised copy rather than an error.
   */
  private async readProfiles(userIds: readonly string[], log: Logger): Promise<ProfilePayload[]> {
    if (userIds.length === 0) return [];
    let points: StoredPoint[];
    try {
      points = await this.options.store.retrieve(PROFILES_COLLECTION, userIds);
    } catch (err) {
      log.warn({ err }, 'profiles unavailable; generating without interests');
      return [];
    }
    const wanted = new Set(userIds);
    const profiles: ProfilePayload[] = [];
    for (const point of points) {
      const profile = readProfilePayload(point.payload, point.id);
      if (wanted.has(profile.userId)) profiles.push(profile);
    }
    return profiles;
  }
}

/**
 * The job's answer when it settles before `deadline` (epoch ms); undefined when the deadline
 * comes first. A job that fails is treated as not answered: the caller stands in for it.
 */
async function settledBefore<T>(job: Promise<T>, deadline: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([job.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}
