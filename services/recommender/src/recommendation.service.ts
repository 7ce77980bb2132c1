import { randomUUID } from 'node:crypto';

import {
  type BatchAnswer,
  type BatchRead,
  checkFirst,
  CURRENT_MODEL_ID,
  type EventBus,
  type ExperimentRegistry,
  EXPOSURE_CONTEXT_PREFIX,
  isOutage,
  ITEM_VECTOR,
  ITEMS_COLLECTION,
  type Logger,
  MODELS_COLLECTION,
  NotFoundError,
  PROFILES_COLLECTION,
  publishUserEvents,
  RequestStopped,
  stoppedError,
  type UserArm,
  type UserEvent,
  type UserKeyVault,
  type VectorStore,
} from '@tailor/kit';

import {
  candidatesPerItem,
  type RecommenderConfig,
  signalFloors,
  sourceWeights,
} from './config.js';
import { coveredAnswer } from './domain/batch-cover.js';
import {
  blend,
  type RawSignals,
  type SignalFloors,
  type SourceWeights,
  strongestSource,
} from './domain/blend.js';
import { readItem } from './domain/item.js';
import { mmrSelect } from './domain/mmr.js';
import { collaborativeUsable, type ModelView, readModel } from './domain/model.js';
import {
  type Interaction,
  PROFILE_READ_KEYS,
  type ProfileView,
  readProfile,
} from './domain/profile.js';
import {
  type CitedInteraction,
  interactionVerb,
  isPopularInCategory,
  pickReasons,
  similarItemReason,
  type UserFacts,
} from './domain/reasons.js';
import {
  candidateFilter,
  candidateLimit,
  checkCategory,
  checkTrimmedId,
  mmrLambda,
  parseContext,
  RECOMMENDATION_LIMITS,
  type RecommendationContext,
  type RecommendationContextArgs,
} from './domain/request.js';
import {
  candidateCount,
  isPersonal,
  type PlannedSource,
  type SourceName,
  sourcePlan,
} from './domain/sources.js';
import { FallbackReason, Strategy } from './domain/strategy.js';
import { type CachedItem, ItemCache } from './item-cache.js';
import type { RecommenderMetrics, StrategyLabel } from './metrics.js';
import { ProfileCache } from './profile-cache.js';
import { collaborativeSource } from './sources/collaborative.source.js';
import { contentSource } from './sources/content.source.js';
import { newestSource } from './sources/newest.source.js';
import { popularSource } from './sources/popular.source.js';
import {
  type Candidate,
  type CandidateSource,
  ITEM_FACT_KEYS,
  ITEM_REF_KEYS,
  type ItemRef,
  type SourceRead,
  toRef,
} from './sources/source.js';
import { trendingSource } from './sources/trending.source.js';
import { countingStore } from './store-calls.js';
import type { TrendingService } from './trending.service.js';

/** One pick of a served list. */
export interface RecommendationResult {
  recommendationId: string;
  userId: string;
  /** 1 for the first pick. */
  position: number;
  /** Where the list is shown (the request's `context.surface`), as its impressions say. */
  surface: string;
  item: { id: string };
  score: number;
  reasons: string[];
}

/** A served list. */
export interface RecommendationListResult {
  recommendationId: string;
  userId: string;
  strategy: Strategy;
  /** The collaborative model whose factors scored the list; null when none took part. */
  modelVersion: string | null;
  items: RecommendationResult[];
  generatedAt: Date;
  /** Set when the list is the in-memory fallback rather than the usual pipeline's. */
  fallback: RecommendationFallbackResult | null;
}

/** Why a list is the fallback one. */
export interface RecommendationFallbackResult {
  reason: FallbackReason;
  message: string;
  /** When the fallback list was computed, from the store while it answered. */
  computedAt: Date;
}

export interface SimilarItemResult {
  item: { id: string };
  score: number;
  reason: string;
}

export interface TrendingItemResult {
  item: { id: string };
  score: number;
}

/**
 * Length of the fallback list kept in memory: the largest `first` a list may have, so any
 * request is served in full when no exclusion or category filter takes items out of it.
 */
export const FALLBACK_LIST_ITEMS = 50;

/** A list as built, each pick with its item's category (the fallback list filters on it). */
type BuiltList = Omit<RecommendationListResult, 'items'> & {
  items: (RecommendationResult & { category: string })[];
};

/** What a list of one profile draws on: its sources, what they may not offer, what to cite. */
interface ListPlan {
  cf: ProfileView['collaborative'];
  plan: PlannedSource[];
  sources: { planned: PlannedSource; source: CandidateSource }[];
  excluded: ReadonlySet<string>;
  citable: { itemId: string; verb: CitedInteraction['verb'] }[];
}

/** What a list plans to read of `items` in its one batch. */
interface PlannedBatch {
  planned: { source: CandidateSource; read: SourceRead | null }[];
  /** The sources' reads in plan order, then the cited items' retrieve when `cited`. */
  reads: BatchRead[];
  cited: boolean;
}

/** A batch sent before the profile it depends on was read, guessed from the previous one. */
interface GuessedBatch {
  reads: BatchRead[];
  answers: Promise<BatchAnswer[]>;
}

/** One entry of the fallback list. */
interface FallbackEntry {
  itemId: string;
  category: string;
  score: number;
  reasons: string[];
}

/** The sources whose evidence is the user's own; the stronger one's reason is given first. */
const PERSONAL_SOURCES = ['collaborative', 'content'] as const;

/** Options of {@link RecommendationService}. */
export interface RecommendationServiceOptions {
  config: RecommenderConfig;
  store: VectorStore;
  bus: EventBus;
  logger: Logger;
  trending: TrendingService;
  metrics: RecommenderMetrics;
  /** Seals published impressions with the user's key (see RecommenderDeps.vault). */
  vault?: UserKeyVault;
  /**
   * A/B experiments: a user's arms may set MMR's λ and blend weights of their lists, and each
   * impression names the user's arms (`experiment.<name>` in its context): the logged exposure.
   */
  experiments?: ExperimentRegistry;
  /**
   * The profiles kept between a user's lists; without one every list reads its profile and no
   * batch is guessed. Whoever gives one must have it hear `user-events` and forget notices (see
   * ProfileCache).
   */
  profiles?: ProfileCache;
  /** Epoch milliseconds; tests may fix it. */
  now?: () => number;
}

/**
 * Builds recommendation lists: reads the profile and the model in service, asks the sources of
 * the user's plan for candidates, blends every source's signal on every candidate, diversifies
 * with MMR, explains each pick, and publishes what it served as impressions.
 */
export class RecommendationService {
  private readonly config: RecommenderConfig;
  private readonly store: VectorStore;
  private readonly bus: EventBus;
  private readonly log: Logger;
  private readonly trending: TrendingService;
  private readonly metrics: RecommenderMetrics;
  private readonly now: () => number;
  private readonly weights: SourceWeights;
  private readonly floors: SignalFloors;
  private readonly perItem: Readonly<Record<SourceName, number>>;
  /** The model version last read, to move the model metric when it changes. */
  private modelVersion: string | null = null;
  /** The model point last read, and when (monotonic ms), reused for RECOMMENDER_MODEL_REFRESH_MS. */
  private modelRead: { model: ModelView | null; at: number } | undefined;
  private readonly items: ItemCache;
  /** The background read of a stale model, while one is in flight; `drain` waits for it. */
  private modelRefresh: Promise<void> | undefined;
  private readonly profiles: ProfileCache | undefined;
  /** Impression publishes in flight; `drain` waits for them at shutdown. */
  private readonly publishing = new Set<Promise<void>>();
  /** The non-personalized list served while the store is down; refreshed while it answers. */
  private fallbackList: { entries: FallbackEntry[]; at: Date } | null = null;

  constructor(private readonly options: RecommendationServiceOptions) {
    this.config = options.config;
    this.store = options.store;
    this.bus = options.bus;
    this.log = options.logger.child({ component: 'recommendations' });
    this.trending = options.trending;
    this.metrics = options.metrics;
    this.now = options.now ?? Date.now;
    this.weights = sourceWeights(options.config);
    this.floors = signalFloors(options.config);
    this.perItem = candidatesPerItem(options.config);
    this.items = new ItemCache(options.config.RECOMMENDER_VECTOR_CACHE_ITEMS);
    this.profiles = options.profiles;
  }

  /**
   * A list of `first` items for the user. Throws `ArgumentError` on bad
   * arguments. Impressions go out after the list is built; a failure there is logged, not thrown.
   */
  async recommend(
    userIdArg: string,
    first: number,
    contextArgs?: RecommendationContextArgs | null,
    signal?: AbortSignal,
  ): Promise<RecommendationListResult> {
    // Bad arguments are refused here, so what fails below is the store, not the caller.
    const userId = checkTrimmedId(userIdArg, 'userId');
    checkFirst(first, RECOMMENDATION_LIMITS.maxFirst);
    const context = parseContext(contextArgs);
    try {
      return await this.build(userId, first, contextArgs, signal);
    } catch (err) {
      if (signal?.aborted === true) {
        const reason: unknown = signal.reason;
        this.metrics.stopped.inc({
          reason: reason instanceof RequestStopped ? reason.code : 'REQUEST_CANCELLED',
        });
        throw err;
      }
      const fallback = this.fallbackList;
      if (!isOutage(err) || fallback === null) throw err;
      this.log.warn({ err, userId }, 'vector store unavailable; serving the fallback list');
      return this.serveFallback(userId, first, context, fallback);
    }
  }

  /**
   * Recomputes the fallback list: the cold-start pipeline (trending, popular, newest; in stock)
   * for nobody in particular. Called on a timer while the store answers; a failure keeps the
   * list in hand.
   */
  async refreshFallback(): Promise<void> {
    const list = await this.build('', FALLBACK_LIST_ITEMS, null, undefined, true);
    // Read the picks' facts whole once: the store adapter remembers items it read (see kit's
    // guardedStore), so the catalog and generation in this process can still describe them
    // while the store is down.
    await this.store.retrieve(
      ITEMS_COLLECTION,
      list.items.map((pick) => pick.item.id),
    );
    this.fallbackList = {
      at: list.generatedAt,
      entries: list.items.map((pick) => ({
        itemId: pick.item.id,
        category: pick.category,
        score: pick.score,
        reasons: pick.reasons,
      })),
    };
  }

  /** The fallback list cut to the request: its exclusions and category, then `first`. */
  private serveFallback(
    userId: string,
    first: number,
    context: RecommendationContext,
    fallback: { entries: FallbackEntry[]; at: Date },
  ): RecommendationListResult {
    const excluded = new Set(context.excludeItemIds);
    const recommendationId = randomUUID();
    const now = this.now();
    const entries = fallback.entries
      .filter((e) => !excluded.has(e.itemId))
      .filter((e) => context.category === undefined || e.category === context.category)
      .slice(0, first);
    const list: RecommendationListResult = {
      recommendationId,
      userId,
      strategy: Strategy.TRENDING,
      modelVersion: null,
      generatedAt: new Date(now),
      fallback: {
        reason: FallbackReason.VECTOR_STORE_UNAVAILABLE,
        message:
          'Personalized picks are unavailable for now; these are popular items, not chosen ' +
          'for this user.',
        computedAt: fallback.at,
      },
      items: entries.map((entry, index) => ({
        recommendationId,
        userId,
        position: index + 1,
        surface: context.surface,
        item: { id: entry.itemId },
        score: entry.score,
        reasons: entry.reasons,
      })),
    };
    this.metrics.served.inc({ strategy: 'fallback' });
    this.publishImpressions(list, context.surface, now);
    return list;
  }

  /**
   * {@link recommend} itself. `signal` is the request's: once it fires, no further store call
   * is made, so a list nobody waits for costs nothing more.
   */
  private async build(
    userIdArg: string,
    first: number,
    contextArgs: RecommendationContextArgs | null | undefined,
    signal: AbortSignal | undefined,
    forFallback = false,
  ): Promise<BuiltList> {
    // The fallback list is for nobody: no profile is read, nothing is counted or published.
    const userId = forFallback ? userIdArg : checkTrimmedId(userIdArg, 'userId');
    checkFirst(first, RECOMMENDATION_LIMITS.maxFirst);
    const context = parseContext(contextArgs);
    const started = process.hrtime.bigint();
    const now = this.now();

    let calls = 0;
    const store = countingStore(
      this.store,
      () => {
        calls += 1;
      },
      signal,
    );

    // A profile kept from the user's last list, while it holds all that was heard of them
    // (see ProfileCache), spares the profile read; otherwise the read goes first, and beside it,
    // when the cache still holds this user's previous profile, the batch that profile would ask
    // (see `guessBatch`). The guess needs no model in hand, so it works even where the kept
    // profile cannot be used (RECOMMENDER_MODEL_REFRESH_MS 0).
    const kept = forFallback ? undefined : this.keptProfile(userId);
    const readStartedAt = ProfileCache.clock();
    const profileRead =
      forFallback || kept !== undefined
        ? Promise.resolve([undefined])
        : store.retrieve(PROFILES_COLLECTION, [userId], {
            withVectors: true,
            withPayload: PROFILE_READ_KEYS,
          });
    const modelRead = forFallback ? Promise.resolve(null) : this.currentModel(store);
    const previous =
      forFallback || kept !== undefined ? undefined : this.profiles?.previous(userId);
    const guessed =
      previous === undefined
        ? undefined
        : modelRead.then((model) =>
            this.guessBatch(store, userId, previous, model, first, context, now),
          );
    // A guess nobody uses may fail unseen; one that is used fails the list where it is awaited.
    guessed?.then((guess) => guess?.answers).catch(() => undefined);
    const [[point], model] = await Promise.all([profileRead, modelRead]);
    // The guessed batch may answer everything else, so no later store call would notice.
    if (signal?.aborted === true) throw stoppedError(signal);
    const profile = kept ?? readProfile(point, this.config.RECOMMENDER_SHORT_TERM_WEIGHT);
    if (!forFallback) {
      this.metrics.profileCache.inc({ outcome: kept === undefined ? 'miss' : 'hit' });
      if (kept === undefined) this.profiles?.keep(userId, profile, readStartedAt);
    }
    this.noteModel(model);
    const listPlan = this.planOf(store, userId, profile, model, context);
    const { sources, plan, cf } = listPlan;
    const { found, cited } = await this.gather(store, listPlan, first, context, now, await guessed);
    const items = await this.items.itemsOf(
      store,
      [...found, ...cited.map((c) => c.ref)],
      model?.modelVersion ?? null,
    );
    const candidates = found.flatMap((ref): Candidate[] => {
      const cached = items.get(ref.itemId);
      if (cached === undefined) return [];
      return [
        {
          itemId: ref.itemId,
          fresh: ref.fresh,
          item: cached.facts,
          vector: cached.content,
          ...(cached.cf === undefined ? {} : { cf: cached.cf }),
        },
      ];
    });
    // The fallback list is for nobody, so it is in no arm.
    const arms = forFallback ? undefined : this.options.experiments?.settingsOf(userId);
    const weights =
      arms?.blendWeights === undefined ? this.weights : { ...this.weights, ...arms.blendWeights };
    const user: UserFacts = isPersonal(plan)
      ? { recent: citedInteractions(cited, items), topTags: profile.topTags }
      : { recent: [], topTags: [] };
    const ranked = blend(
      candidates.map((candidate) => ({
        ...candidate,
        signals: signalsOf(candidate, sources, now),
      })),
      weights,
      this.floors,
    );
    // A client's diversity argument still wins: it asks for this one list.
    const lambda = mmrLambda(
      arms?.mmrLambda ?? this.config.RECOMMENDER_MMR_LAMBDA,
      context.diversity,
    );
    const chosen = mmrSelect(ranked, first, lambda);
    const counts = this.trending.counts;
    const inPlan = new Set(plan.map((p) => p.source));

    const strategy = isPersonal(plan) ? Strategy.PERSONALIZED : Strategy.TRENDING;
    const recommendationId = randomUUID();
    const list: BuiltList = {
      recommendationId,
      userId,
      strategy,
      modelVersion: cf === null ? null : cf.modelVersion,
      generatedAt: new Date(now),
      fallback: null,
      items: chosen.map((pick, index) => {
        const evidence = strongestSource(pick.normalized, weights, PERSONAL_SOURCES);
        return {
          recommendationId,
          userId,
          position: index + 1,
          surface: context.surface,
          item: { id: pick.itemId },
          category: pick.item.category,
          score: pick.score,
          reasons: pickReasons(
            {
              ...pick.item,
              vector: pick.vector,
              ...(pick.cf === undefined ? {} : { cf: pick.cf }),
              popularInCategory: isPopularInCategory(
                counts.score(pick.itemId, now),
                counts.maxScore(now, pick.item.category),
              ),
              trending: inPlan.has('trending') && (pick.normalized.trending ?? 0) > 0,
              collaborative: pick.normalized.collaborative ?? 0,
              collaborativeFirst: evidence === 'collaborative',
            },
            user,
            now,
          ),
        };
      }),
    };
    if (forFallback) return list;
    const label: StrategyLabel = strategy === Strategy.PERSONALIZED ? 'personalized' : 'trending';
    this.metrics.duration.observe(
      { strategy: label },
      Number(process.hrtime.bigint() - started) / 1e9,
    );
    this.metrics.served.inc({ strategy: label });
    this.metrics.storeCallsPerList.observe({ strategy: label }, calls);
    this.log.debug(
      {
        userId,
        recommendationId,
        strategy,
        sources: plan.map((p) => p.source),
        modelVersion: list.modelVersion,
        items: list.items.length,
        arms: arms?.arms.map((a) => `${a.experiment}:${a.arm.name}`),
      },
      'recommendations served',
    );
    this.publishImpressions(list, context.surface, now, arms?.arms ?? []);
    return list;
  }

  /** Items nearest to the given one, in stock, without it. NOT_FOUND when it is unknown. */
  async similarItems(itemIdArg: string, first: number): Promise<SimilarItemResult[]> {
    const itemId = checkTrimmedId(itemIdArg, 'itemId');
    checkFirst(first, RECOMMENDATION_LIMITS.maxFirst);
    // One round trip, no vector on the wire: the item's facts, and its neighbours found by its
    // own stored vector (a search by a point never returns that point).
    const [known, near] = await this.store.readMany(ITEMS_COLLECTION, [
      { kind: 'retrieve', ids: [itemId], options: { withPayload: ITEM_FACT_KEYS } },
      {
        kind: 'search',
        request: {
          using: ITEM_VECTOR,
          nearPoint: { id: itemId },
          limit: first,
          withPayload: ITEM_FACT_KEYS,
          filter: candidateFilter({ excludeIds: [itemId] }),
        },
      },
    ]);
    const point = known?.points[0];
    if (point === undefined) {
      throw new NotFoundError(`No item with id ${JSON.stringify(itemId)}`);
    }
    const source = readItem(point.payload, point.id);
    const hits = near?.kind === 'search' ? near.points : [];
    return hits.map((hit) => ({
      item: { id: hit.id },
      score: hit.score,
      reason: similarItemReason(source, readItem(hit.payload, hit.id)),
    }));
  }

  /** The most talked-about in-stock items now, optionally of one category. */
  async trendingItems(first: number, categoryArg?: string | null): Promise<TrendingItemResult[]> {
    checkFirst(first, RECOMMENDATION_LIMITS.maxFirst);
    const category =
      categoryArg === null || categoryArg === undefined
        ? undefined
        : checkCategory(categoryArg, 'category');
    const now = this.now();
    const entries = this.trending.counts.top(now, {
      limit: candidateLimit(first),
      ...(category === undefined ? {} : { category }),
    });
    const inStock = await this.inStockItems(
      entries.map((e) => e.itemId),
      category,
    );
    return entries
      .filter((entry) => inStock.has(entry.itemId))
      .slice(0, first)
      .map((entry) => ({ item: { id: entry.itemId }, score: entry.score }));
  }

  /** Resolves once every impression publish and model read started so far has settled. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.publishing, this.modelRefresh]);
  }

  /** The source module of a planned source, for this user. */
  private sourceOf(
    store: VectorStore,
    planned: PlannedSource,
    userId: string,
    profile: ProfileView,
  ): CandidateSource {
    switch (planned.source) {
      case 'collaborative':
        return collaborativeSource(userId, profile.collaborative!.vector);
      case 'content':
        return contentSource(profile.queryVector!);
      case 'popular':
        return popularSource(this.trending.popular);
      case 'trending':
        return trendingSource(this.trending.counts);
      case 'newest':
        return newestSource(store);
    }
  }

  /**
   * What a list of this profile asks of the store before any read: its sources, what they may
   * not offer, and the interactions its reasons may cite.
   */
  private planOf(
    store: VectorStore,
    userId: string,
    profile: ProfileView,
    model: ModelView | null,
    context: RecommendationContext,
  ): ListPlan {
    const cf = collaborativeUsable(profile.collaborative, model) ? profile.collaborative : null;
    const plan = sourcePlan({ content: profile.queryVector !== null, collaborative: cf !== null });
    const sources = plan.map((planned) => ({
      planned,
      source: this.sourceOf(store, planned, userId, profile),
    }));
    const excluded = new Set([...profile.seenItemIds, ...context.excludeItemIds]);
    const citable = isPersonal(plan) ? citableInteractions(profile.recent) : [];
    return { cf, plan, sources, excluded, citable };
  }

  /**
   * The batch of `items` a list plans (see {@link gather}): each batched source's read, then
   * the retrieve of the items the reasons may cite.
   */
  private planBatch(
    { sources, excluded, citable }: ListPlan,
    first: number,
    context: RecommendationContext,
    now: number,
  ): PlannedBatch {
    const planned: { source: CandidateSource; read: SourceRead | null }[] = [];
    let extra = 0;
    for (const { planned: p, source } of sources) {
      if (p.fillOnly || source.kind !== 'batched') continue;
      const limit = candidateCount(this.perItem[source.name], first);
      planned.push({ source, read: source.plan({ limit, context, excluded, now }, extra) });
      extra += limit;
    }
    const citedIds = [...new Set(citable.map((c) => c.itemId))];
    const reads: BatchRead[] = [
      ...planned.flatMap((p) => (p.read === null ? [] : [p.read.read])),
      ...(citedIds.length === 0
        ? []
        : [{ kind: 'retrieve' as const, ids: citedIds, options: { withPayload: ITEM_REF_KEYS } }]),
    ];
    return { planned, reads, cited: citedIds.length > 0 };
  }

  /**
   * The batch the user's previous profile would ask, sent now: a user who did nothing since
   * (impressions move no profile) gets the same batch from the profile being read, so the two
   * calls run side by side instead of one after the other. Undefined when that batch reads
   * nothing.
   */
  private guessBatch(
    store: VectorStore,
    userId: string,
    previous: ProfileView,
    model: ModelView | null,
    first: number,
    context: RecommendationContext,
    now: number,
  ): GuessedBatch | undefined {
    const guess = this.planOf(store, userId, previous, model, context);
    const { reads } = this.planBatch(guess, first, context, now);
    if (reads.length === 0) return undefined;
    return { reads, answers: store.readMany(ITEMS_COLLECTION, reads) };
  }

  /**
   * The answers of `reads`: from the guessed batch where it asked for at least as much (see
   * {@link coveredAnswer}), the rest in one more `readMany`.
   */
  private async answersOf(
    store: VectorStore,
    reads: readonly BatchRead[],
    guessed: GuessedBatch | undefined,
  ): Promise<BatchAnswer[]> {
    if (reads.length === 0) return [];
    if (guessed === undefined) return store.readMany(ITEMS_COLLECTION, reads);
    const sent = await guessed.answers;
    const answers = reads.map((read) => {
      for (const [i, had] of guessed.reads.entries()) {
        const answer = coveredAnswer(read, had, sent[i]!);
        if (answer !== undefined) return answer;
      }
      return undefined;
    });
    const missing = reads.flatMap((read, i) => (answers[i] === undefined ? [i] : []));
    this.metrics.guessedBatches.inc({
      outcome:
        missing.length === 0 ? 'used' : missing.length === reads.length ? 'missed' : 'partly',
    });
    if (missing.length === 0) return answers as BatchAnswer[];
    const more = await store.readMany(
      ITEMS_COLLECTION,
      missing.map((i) => reads[i]!),
    );
    missing.forEach((index, i) => {
      answers[index] = more[i]!;
    });
    return answers as BatchAnswer[];
  }

  /**
   * The user's kept profile, if it fits the model in hand; none while the model is yet to be
   * read (the first list, or every list when RECOMMENDER_MODEL_REFRESH_MS is 0), since a kept
   * profile is used only with the model it was folded against.
   */
  private keptProfile(userId: string): ProfileView | undefined {
    const read = this.modelRead;
    if (this.profiles === undefined || read === undefined) return undefined;
    if (this.config.RECOMMENDER_MODEL_REFRESH_MS === 0) return undefined;
    return this.profiles.get(userId, read.model?.modelVersion ?? null);
  }

  /**
   * The plan's candidates, as if each source were asked in order skipping what the ones before
   * found (a fill-only source only while fewer than `first` were found), and the items of the
   * citable interactions: every batched source's read and the interactions' retrieve go to the
   * store as one `readMany` (answered from the guessed batch where it covers them), so a list
   * costs one round trip here; a fill-only scan, when one is needed, is a read of its own.
   */
  private async gather(
    store: VectorStore,
    list: ListPlan,
    first: number,
    context: RecommendationContext,
    now: number,
    guessed: GuessedBatch | undefined,
  ): Promise<{
    found: ItemRef[];
    cited: { ref: ItemRef; verb: CitedInteraction['verb'] }[];
  }> {
    const limitOf = (source: CandidateSource) => candidateCount(this.perItem[source.name], first);
    const { sources, excluded, citable } = list;
    const batch = this.planBatch(list, first, context, now);
    const { planned } = batch;
    const answers = await this.answersOf(store, batch.reads, guessed);

    const found = new Map<string, ItemRef>();
    const add = (source: CandidateSource, items: readonly ItemRef[]) => {
      for (const item of items) if (!found.has(item.itemId)) found.set(item.itemId, item);
      if (items.length > 0) this.metrics.sources.inc({ source: source.name });
    };
    const skipped = () => new Set([...excluded, ...found.keys()]);
    let next = 0;
    for (const { source, read } of planned) {
      if (read === null) continue;
      add(source, read.pick(answers[next]!, skipped()));
      next += 1;
    }
    for (const { planned: p, source } of sources) {
      if (!p.fillOnly || found.size >= first) continue;
      const request = { limit: limitOf(source), context, excluded: skipped(), now };
      if (source.kind === 'scanning') {
        add(source, await source.find(request));
      } else {
        const read = source.plan(request, 0);
        if (read === null) continue;
        const [answer] = await store.readMany(ITEMS_COLLECTION, [read.read]);
        add(source, read.pick(answer!, request.excluded));
      }
    }

    const citedPoints = batch.cited ? (answers[next]?.points ?? []) : [];
    const byId = new Map(citedPoints.map((point) => [point.id, toRef(point)]));
    const cited = citable.flatMap(({ itemId, verb }) => {
      const ref = byId.get(itemId);
      return ref === undefined ? [] : [{ ref, verb }];
    });
    return { found: [...found.values()], cited };
  }

  /**
   * The model in service: read from `models` at most every RECOMMENDER_MODEL_REFRESH_MS. A
   * retrain rewrites every item's `cf` before it moves `current`, so lists already meet
   * factors of two trainings for as long as that takes; the refresh adds at most its period.
   * Only the first list (and every list with a period of 0) waits for the read: later ones use
   * the model in hand while a stale one is read again beside them, so a list's own store calls
   * stay the profile and the batch.
   */
  private async currentModel(store: VectorStore): Promise<ModelView | null> {
    const refresh = this.config.RECOMMENDER_MODEL_REFRESH_MS;
    const read = this.modelRead;
    if (read === undefined || refresh === 0) return this.readCurrentModel(store);
    if (performance.now() - read.at >= refresh && this.modelRefresh === undefined) {
      const refreshing = this.readCurrentModel(this.store)
        .then(
          (model) => {
            this.noteModel(model);
          },
          (err: unknown) => {
            // The model in hand stays; the next list past the period tries again.
            this.log.warn({ err }, 'could not read the model in service; keeping the last one');
          },
        )
        .finally(() => {
          this.modelRefresh = undefined;
        });
      this.modelRefresh = refreshing;
    }
    return read.model;
  }

  private async readCurrentModel(store: VectorStore): Promise<ModelView | null> {
    const at = performance.now();
    const [point] = await store.retrieve(MODELS_COLLECTION, [CURRENT_MODEL_ID]);
    const model = readModel(point);
    this.modelRead = { model, at };
    return model;
  }

  /** Moves the model metric to the version in service when it changed. */
  private noteModel(model: ModelView | null): void {
    const version = model?.modelVersion ?? null;
    if (version === this.modelVersion) return;
    this.modelVersion = version;
    this.metrics.model.reset();
    if (version !== null) this.metrics.model.set({ model_version: version }, 1);
    this.log.info({ modelVersion: version }, 'collaborative model in service');
  }

  /** The ids among `ids` of items that exist, are in stock and (if given) of the category. */
  private async inStockItems(ids: readonly string[], category?: string): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const points = await this.store.retrieve(ITEMS_COLLECTION, ids, {
      withPayload: ['inStock', 'category'],
    });
    return new Set(
      points
        .filter((point) => {
          const item = readItem(point.payload, point.id);
          return item.inStock && (category === undefined || item.category === category);
        })
        .map((point) => point.id),
    );
  }

  private publishImpressions(
    list: RecommendationListResult,
    surface: string,
    now: number,
    arms: readonly UserArm[] = [],
  ): void {
    if (list.items.length === 0) return;
    const events: UserEvent[] = list.items.map((item) => ({
      eventId: randomUUID(),
      userId: list.userId,
      itemId: item.item.id,
      type: 'impression',
      timestamp: now,
      context: {
        recommendationId: list.recommendationId,
        surface,
        position: String(item.position),
        ...Object.fromEntries(
          arms.map((a) => [`${EXPOSURE_CONTEXT_PREFIX}${a.experiment}`, a.arm.name]),
        ),
      },
    }));
    const publishing = publishUserEvents(
      this.bus,
      events,
      this.options.vault === undefined ? {} : { vault: this.options.vault },
    )
      .catch((err: unknown) => {
        this.log.warn(
          { err, recommendationId: list.recommendationId, items: events.length },
          'could not publish impressions',
        );
      })
      .finally(() => {
        this.publishing.delete(publishing);
      });
    this.publishing.add(publishing);
  }
}

/** Every planned source's raw signal on a candidate, whichever source found it. */
function signalsOf(
  candidate: Candidate,
  sources: readonly { source: CandidateSource }[],
  now: number,
): RawSignals {
  const signals: RawSignals = {};
  for (const { source } of sources) {
    const value = source.signal(candidate, now);
    if (value !== undefined) signals[source.name] = value;
  }
  return signals;
}

/** The user's recent positive interactions that a reason may cite, newest first. */
function citableInteractions(
  recent: readonly Interaction[],
): { itemId: string; verb: CitedInteraction['verb'] }[] {
  return recent.flatMap((interaction) => {
    const verb = interactionVerb(interaction);
    return verb === null ? [] : [{ itemId: interaction.itemId, verb }];
  });
}

/** The cited interactions with their items' titles and vectors; the newest per item only. */
function citedInteractions(
  cited: readonly { ref: ItemRef; verb: CitedInteraction['verb'] }[],
  items: ReadonlyMap<string, CachedItem>,
): CitedInteraction[] {
  const seen = new Set<string>();
  return cited.flatMap(({ ref, verb }) => {
    const v = items.get(ref.itemId);
    // The newest interaction with an item is the one worth citing.
    if (v === undefined || seen.has(ref.itemId)) return [];
    seen.add(ref.itemId);
    return [
      {
        title: v.facts.title,
        verb,
        vector: v.content,
        ...(v.cf === undefined ? {} : { cf: v.cf }),
      },
    ];
  });
}
