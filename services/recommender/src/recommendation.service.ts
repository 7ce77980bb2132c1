import { randomUUID } from 'node:crypto';

import {
  CF_VECTOR,
  CURRENT_MODEL_ID,
  type EventBus,
  ITEM_VECTOR,
  ITEMS_COLLECTION,
  type Logger,
  MODELS_COLLECTION,
  NotFoundError,
  PROFILES_COLLECTION,
  publishUserEvents,
  type UserEvent,
  type UserKeyVault,
  type VectorStore,
} from '@tailor/kit';

import { candidatesPerItem, type RecommenderConfig, sourceWeights } from './config.js';
import { blend, type RawSignals, type SourceWeights, strongestSource } from './domain/blend.js';
import { readItem } from './domain/item.js';
import { mmrSelect } from './domain/mmr.js';
import { collaborativeUsable, type ModelView, readModel } from './domain/model.js';
import { type Interaction, type ProfileView, readProfile } from './domain/profile.js';
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
  checkFirst,
  checkId,
  mmrLambda,
  parseContext,
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
import { Strategy } from './domain/strategy.js';
import type { RecommenderMetrics, StrategyLabel } from './metrics.js';
import { collaborativeSource } from './sources/collaborative.source.js';
import { contentSource } from './sources/content.source.js';
import { newestSource } from './sources/newest.source.js';
import { popularSource } from './sources/popular.source.js';
import type { Candidate, CandidateSource } from './sources/source.js';
import { trendingSource } from './sources/trending.source.js';
import type { TrendingService } from './trending.service.js';

/** One pick of a served list. */
export interface RecommendationResult {
  recommendationId: string;
  userId: string;
  /** 1 for the first pick. */
  position: number;
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
  private readonly perItem: Readonly<Record<SourceName, number>>;
  /** The model version last read, to move the model metric when it changes. */
  private modelVersion: string | null = null;
  /** Impression publishes in flight; `drain` waits for them at shutdown. */
  private readonly publishing = new Set<Promise<void>>();

  constructor(private readonly options: RecommendationServiceOptions) {
    this.config = options.config;
    this.store = options.store;
    this.bus = options.bus;
    this.log = options.logger.child({ component: 'recommendations' });
    this.trending = options.trending;
    this.metrics = options.metrics;
    this.now = options.now ?? Date.now;
    this.weights = sourceWeights(options.config);
    this.perItem = candidatesPerItem(options.config);
  }

  /**
   * A list of `first` items for the user. Throws `RecommendationArgumentError` on bad
   * arguments. Impressions go out after the list is built; a failure there is logged, not thrown.
   */
  async recommend(
    userIdArg: string,
    first: number,
    contextArgs?: RecommendationContextArgs | null,
  ): Promise<RecommendationListResult> {
    const userId = checkId(userIdArg, 'userId');
    checkFirst(first);
    const context = parseContext(contextArgs);
    const started = process.hrtime.bigint();
    const now = this.now();

    const [[point], [modelPoint]] = await Promise.all([
      this.store.retrieve(PROFILES_COLLECTION, [userId], { withVectors: true }),
      this.store.retrieve(MODELS_COLLECTION, [CURRENT_MODEL_ID]),
    ]);
    const profile = readProfile(point, this.config.RECOMMENDER_SHORT_TERM_WEIGHT);
    const model = readModel(modelPoint);
    this.noteModel(model);
    const cf = collaborativeUsable(profile.collaborative, model) ? profile.collaborative : null;
    const plan = sourcePlan({ content: profile.queryVector !== null, collaborative: cf !== null });
    const sources = plan.map((planned) => ({ planned, source: this.sourceOf(planned, profile) }));
    const excludeIds = [...profile.seenItemIds, ...context.excludeItemIds];

    const [candidates, user] = await Promise.all([
      this.gather(sources, first, context, excludeIds, now),
      isPersonal(plan) ? this.userFacts(profile) : { recent: [], topTags: [] },
    ]);
    const ranked = blend(
      candidates.map((candidate) => ({
        ...candidate,
        signals: signalsOf(candidate, sources, now),
      })),
      this.weights,
    );
    const lambda = mmrLambda(this.config.RECOMMENDER_MMR_LAMBDA, context.diversity);
    const chosen = mmrSelect(ranked, first, lambda);
    const counts = this.trending.counts;
    const inPlan = new Set(plan.map((p) => p.source));

    const strategy = isPersonal(plan) ? Strategy.PERSONALIZED : Strategy.TRENDING;
    const recommendationId = randomUUID();
    const list: RecommendationListResult = {
      recommendationId,
      userId,
      strategy,
      modelVersion: cf === null ? null : cf.modelVersion,
      generatedAt: new Date(now),
      items: chosen.map((pick, index) => {
        const evidence = strongestSource(pick.normalized, this.weights, PERSONAL_SOURCES);
        return {
          recommendationId,
          userId,
          position: index + 1,
          item: { id: pick.itemId },
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
    const label: StrategyLabel = strategy === Strategy.PERSONALIZED ? 'personalized' : 'trending';
    this.metrics.duration.observe(
      { strategy: label },
      Number(process.hrtime.bigint() - started) / 1e9,
    );
    this.metrics.served.inc({ strategy: label });
    this.log.debug(
      {
        userId,
        recommendationId,
        strategy,
        sources: plan.map((p) => p.source),
        modelVersion: list.modelVersion,
        items: list.items.length,
      },
      'recommendations served',
    );
    this.publishImpressions(list, context.surface, now);
    return list;
  }

  /** Items nearest to the given one, in stock, without it. NOT_FOUND when it is unknown. */
  async similarItems(itemIdArg: string, first: number): Promise<SimilarItemResult[]> {
    const itemId = checkId(itemIdArg, 'itemId');
    checkFirst(first);
    const [point] = await this.store.retrieve(ITEMS_COLLECTION, [itemId], { withVectors: true });
    const vector = point?.vectors?.[ITEM_VECTOR];
    if (point === undefined || vector === undefined) {
      throw new NotFoundError(`No item with id ${JSON.stringify(itemId)}`);
    }
    const source = readItem(point.payload, point.id);
    const hits = await this.store.search(ITEMS_COLLECTION, {
      using: ITEM_VECTOR,
      vector,
      limit: first,
      filter: candidateFilter({ excludeIds: [itemId] }),
    });
    return hits.map((hit) => ({
      item: { id: hit.id },
      score: hit.score,
      reason: similarItemReason(source, readItem(hit.payload, hit.id)),
    }));
  }

  /** The most talked-about in-stock items now, optionally of one category. */
  async trendingItems(first: number, categoryArg?: string | null): Promise<TrendingItemResult[]> {
    checkFirst(first);
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

  /** Resolves once every impression publish started so far has settled. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.publishing]);
  }

  /** The source module of a planned source, for this user. */
  private sourceOf(planned: PlannedSource, profile: ProfileView): CandidateSource {
    switch (planned.source) {
      case 'collaborative':
        return collaborativeSource(this.store, profile.collaborative!.vector);
      case 'content':
        return contentSource(this.store, profile.queryVector!);
      case 'popular':
        return popularSource(this.store, this.trending.popular);
      case 'trending':
        return trendingSource(this.store, this.trending.counts);
      case 'newest':
        return newestSource(this.store);
    }
  }

  /**
   * Asks the plan's sources for candidates in order, each skipping what the ones before found,
   * so every source adds items of its own; a fill-only source is asked only while fewer than
   * `first` were found.
   */
  private async gather(
    sources: readonly { planned: PlannedSource; source: CandidateSource }[],
    first: number,
    context: RecommendationContext,
    excludeIds: readonly string[],
    now: number,
  ): Promise<Candidate[]> {
    const found = new Map<string, Candidate>();
    for (const { planned, source } of sources) {
      if (planned.fillOnly && found.size >= first) continue;
      const candidates = await source.candidates({
        limit: candidateCount(this.perItem[source.name], first),
        context,
        excluded: new Set([...excludeIds, ...found.keys()]),
        now,
      });
      for (const candidate of candidates) {
        if (!found.has(candidate.itemId)) found.set(candidate.itemId, candidate);
      }
      if (candidates.length > 0) this.metrics.sources.inc({ source: source.name });
    }
    return [...found.values()];
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

  /** What reasons may cite of the user: recent interactions with their items' facts, tags. */
  private async userFacts(profile: ProfileView): Promise<UserFacts> {
    return { recent: await this.citedInteractions(profile.recent), topTags: profile.topTags };
  }

  /** The user's recent positive interactions with the facts to cite them, newest first. */
  private async citedInteractions(recent: readonly Interaction[]): Promise<CitedInteraction[]> {
    const citable = recent.flatMap((interaction) => {
      const verb = interactionVerb(interaction);
      return verb === null ? [] : [{ itemId: interaction.itemId, verb }];
    });
    if (citable.length === 0) return [];
    const points = await this.store.retrieve(
      ITEMS_COLLECTION,
      citable.map((c) => c.itemId),
      { withVectors: true },
    );
    const byId = new Map(points.map((p) => [p.id, p]));
    const seen = new Set<string>();
    return citable.flatMap(({ itemId, verb }) => {
      const point = byId.get(itemId);
      const vector = point?.vectors?.[ITEM_VECTOR];
      // The newest interaction with an item is the one worth citing.
      if (point === undefined || vector === undefined || seen.has(itemId)) return [];
      seen.add(itemId);
      const cf = point.vectors?.[CF_VECTOR];
      const title = readItem(point.payload, itemId).title;
      return [{ title, verb, vector, ...(cf === undefined ? {} : { cf }) }];
    });
  }

  /** The ids among `ids` of items that exist, are in stock and (if given) of the category. */
  private async inStockItems(ids: readonly string[], category?: string): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const points = await this.store.retrieve(ITEMS_COLLECTION, ids);
    return new Set(
      points
        .filter((point) => {
          const item = readItem(point.payload, point.id);
          return item.inStock && (category === undefined || item.category === category);
        })
        .map((point) => point.id),
    );
  }

  private publishImpressions(list: RecommendationListResult, surface: string, now: number): void {
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
