import { randomUUID } from 'node:crypto';

import {
  type EventBus,
  ITEM_VECTOR,
  ITEMS_COLLECTION,
  type Logger,
  NotFoundError,
  PROFILES_COLLECTION,
  publishUserEvents,
  type StoredPoint,
  type UserEvent,
  type UserKeyVault,
  type VectorStore,
} from '@tailor/kit';

import type { RecommenderConfig } from './config.js';
import { type ItemFacts, readItem } from './domain/item.js';
import { mmrSelect } from './domain/mmr.js';
import { type Interaction, readProfile } from './domain/profile.js';
import {
  type CitedInteraction,
  coldStartReasons,
  interactionVerb,
  isPopularInCategory,
  personalizedReasons,
  similarItemReason,
} from './domain/reasons.js';
import {
  candidateFilter,
  candidateLimit,
  checkCategory,
  checkFirst,
  checkId,
  mmrLambda,
  parseContext,
  popularCandidateLimit,
  type RecommendationContext,
  type RecommendationContextArgs,
} from './domain/request.js';
import { popularity, rerank, type TrendLookup } from './domain/scoring.js';
import { Strategy } from './domain/strategy.js';
import type { TrendingCounts } from './domain/trending.js';
import { cosine } from './domain/vectors.js';
import type { RecommenderMetrics, StrategyLabel } from './metrics.js';
import type { TrendingService } from './trending.service.js';

/**
 * Most catalog points a cold-start list looks at when trending items run short. The store has
 * no order by date, so "newest first" is newest among these.
 */
export const CATALOG_FILL_SCAN_LIMIT = 1_000;
const SCAN_PAGE_SIZE = 250;

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

/** A candidate with its vector and base relevance, before re-ranking. */
interface Candidate {
  itemId: string;
  item: ItemFacts;
  vector: Float32Array;
  relevance: number;
  trending: boolean;
}

/** A picked candidate, ready to be explained. */
interface Pick extends Candidate {
  score: number;
}

/**
 * Builds recommendation lists: reads the profile, searches `items` with the blended query
 * vector (or takes trending items on cold start), re-ranks, diversifies with MMR, explains each
 * pick, and publishes what it served as impressions.
 */
export class RecommendationService {
  private readonly config: RecommenderConfig;
  private readonly store: VectorStore;
  private readonly bus: EventBus;
  private readonly log: Logger;
  private readonly trending: TrendingService;
  private readonly metrics: RecommenderMetrics;
  private readonly now: () => number;
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

    const [point] = await this.store.retrieve(PROFILES_COLLECTION, [userId], { withVectors: true });
    const profile = readProfile(point, this.config.RECOMMENDER_SHORT_TERM_WEIGHT);
    const excludeIds = [...profile.seenItemIds, ...context.excludeItemIds];
    const lambda = mmrLambda(this.config.RECOMMENDER_MMR_LAMBDA, context.diversity);

    let strategy: Strategy;
    let picks: { pick: Pick; reasons: string[] }[];
    if (profile.queryVector === null) {
      strategy = Strategy.TRENDING;
      const chosen = await this.coldStartPicks(first, context, excludeIds, lambda, now);
      picks = chosen.map((pick) => ({
        pick,
        reasons: coldStartReasons({ ...pick.item, trending: pick.trending }, now),
      }));
    } else {
      strategy = Strategy.PERSONALIZED;
      const [chosen, recent] = await Promise.all([
        this.personalizedPicks(profile.queryVector, first, context, excludeIds, lambda, now),
        this.citedInteractions(profile.recent),
      ]);
      const counts = this.trending.counts;
      picks = chosen.map((pick) => ({
        pick,
        reasons: personalizedReasons(
          {
            ...pick.item,
            vector: pick.vector,
            popularInCategory: isPopularInCategory(
              counts.score(pick.itemId, now),
              counts.maxScore(now, pick.item.category),
            ),
          },
          { recent, topTags: profile.topTags },
          now,
        ),
      }));
    }

    const recommendationId = randomUUID();
    const list: RecommendationListResult = {
      recommendationId,
      userId,
      strategy,
      generatedAt: new Date(now),
      items: picks.map(({ pick, reasons }, index) => ({
        recommendationId,
        userId,
        position: index + 1,
        item: { id: pick.itemId },
        score: pick.score,
        reasons,
      })),
    };
    const label: StrategyLabel = strategy === Strategy.PERSONALIZED ? 'personalized' : 'trending';
    this.metrics.duration.observe(
      { strategy: label },
      Number(process.hrtime.bigint() - started) / 1e9,
    );
    this.metrics.served.inc({ strategy: label });
    this.log.debug(
      { userId, recommendationId, strategy, items: list.items.length },
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

  /** Trending counts (short half-life): what cold start ranks by. */
  private trendLookup(now: number): TrendLookup {
    return lookupOf(this.trending.counts, now);
  }

  /** Popularity counts (long half-life): the prior of personalized lists. */
  private popularityLookup(now: number): TrendLookup {
    return lookupOf(this.trending.popular, now);
  }

  private weights() {
    return {
      popularityWeight: this.config.RECOMMENDER_POPULARITY_WEIGHT,
      freshnessWeight: this.config.RECOMMENDER_FRESHNESS_WEIGHT,
    };
  }

  private async personalizedPicks(
    queryVector: Float32Array,
    first: number,
    context: RecommendationContext,
    excludeIds: readonly string[],
    lambda: number,
    now: number,
  ): Promise<Pick[]> {
    const hits = await this.store.search(ITEMS_COLLECTION, {
      using: ITEM_VECTOR,
      vector: queryVector,
      limit: candidateLimit(first),
      withVectors: true,
      filter: candidateFilter({
        excludeIds,
        ...(context.category === undefined ? {} : { category: context.category }),
      }),
    });
    const candidates = hits.flatMap((hit) => {
      const candidate = toCandidate(hit, hit.score, false);
      return candidate === null ? [] : [candidate];
    });
    candidates.push(
      ...(await this.popularCandidates(queryVector, first, context, excludeIds, candidates, now)),
    );
    const ranked = rerank(
      candidates.map((c) => ({ ...c, createdAt: c.item.createdAt })),
      this.popularityLookup(now),
      this.weights(),
      now,
    );
    return mmrSelect(ranked, first, lambda);
  }

  /**
   * The most popular matching items the vector search did not return, scored by the same
   * cosine. Content vectors rank many items alike; these let what people keep choosing compete
   * in the re-rank, where the popularity prior weighs them.
   */
  private async popularCandidates(
    queryVector: Float32Array,
    first: number,
    context: RecommendationContext,
    excludeIds: readonly string[],
    found: readonly Candidate[],
    now: number,
  ): Promise<Candidate[]> {
    const skip = new Set([...excludeIds, ...found.map((c) => c.itemId)]);
    const entries = this.trending.popular.top(now, {
      limit: popularCandidateLimit(first),
      skip: (id) => skip.has(id),
      ...(context.category === undefined ? {} : { category: context.category }),
    });
    if (entries.length === 0) return [];
    const points = await this.store.retrieve(
      ITEMS_COLLECTION,
      entries.map((e) => e.itemId),
      { withVectors: true },
    );
    return points.flatMap((point) => {
      const vector = point.vectors?.[ITEM_VECTOR];
      if (vector === undefined) return [];
      const candidate = toCandidate(point, cosine(queryVector, vector), false);
      if (candidate === null || !candidate.item.inStock) return [];
      if (context.category !== undefined && candidate.item.category !== context.category) return [];
      return [candidate];
    });
  }

  /**
   * Cold start: trending items filtered like personalized candidates, then (when fewer than
   * `first` remain) the newest matching catalog items. Popularity stands in for similarity.
   */
  private async coldStartPicks(
    first: number,
    context: RecommendationContext,
    excludeIds: readonly string[],
    lambda: number,
    now: number,
  ): Promise<Pick[]> {
    const limit = candidateLimit(first);
    const excluded = new Set(excludeIds);
    const trends = this.trendLookup(now);
    const entries = this.trending.counts.top(now, {
      limit,
      skip: (id) => excluded.has(id),
      ...(context.category === undefined ? {} : { category: context.category }),
    });
    const points = await this.store.retrieve(
      ITEMS_COLLECTION,
      entries.map((e) => e.itemId),
      { withVectors: true },
    );
    const byId = new Map(points.map((p) => [p.id, p]));
    const candidates: Candidate[] = [];
    for (const entry of entries) {
      const point = byId.get(entry.itemId);
      if (point === undefined) continue;
      const candidate = toCandidate(point, popularity(entry.score, trends.maxTrend), true);
      if (candidate === null || !candidate.item.inStock) continue;
      if (context.category !== undefined && candidate.item.category !== context.category) continue;
      candidates.push(candidate);
    }
    if (candidates.length < first) {
      const fill = await this.newestCatalogItems(
        limit - candidates.length,
        [...excludeIds, ...candidates.map((c) => c.itemId)],
        context.category,
      );
      candidates.push(...fill);
    }
    const ranked = rerank(
      candidates.map((c) => ({ ...c, createdAt: c.item.createdAt })),
      trends,
      this.weights(),
      now,
    );
    return mmrSelect(ranked, first, lambda);
  }

  /** Newest in-stock catalog items among the first {@link CATALOG_FILL_SCAN_LIMIT} that match. */
  private async newestCatalogItems(
    count: number,
    excludeIds: readonly string[],
    category: string | undefined,
  ): Promise<Candidate[]> {
    const filter = candidateFilter({
      excludeIds,
      ...(category === undefined ? {} : { category }),
    });
    const points: StoredPoint[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.scroll(ITEMS_COLLECTION, {
        limit: Math.min(SCAN_PAGE_SIZE, CATALOG_FILL_SCAN_LIMIT - points.length),
        filter,
        withVectors: true,
        ...(cursor === undefined ? {} : { cursor }),
      });
      points.push(...page.points);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && points.length < CATALOG_FILL_SCAN_LIMIT);
    return points
      .flatMap((point) => {
        const candidate = toCandidate(point, 0, false);
        return candidate === null ? [] : [candidate];
      })
      .sort((a, b) => b.item.createdAt - a.item.createdAt)
      .slice(0, count);
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
      return [{ title: readItem(point.payload, itemId).title, verb, vector }];
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

/** A stored item point as a candidate, or null when it lacks its vector. */
/** A decayed-count table as the re-rank reads it, at `now`. */
function lookupOf(counts: TrendingCounts, now: number): TrendLookup {
  return { trendOf: (id) => counts.score(id, now), maxTrend: counts.maxScore(now) };
}

function toCandidate(point: StoredPoint, relevance: number, trending: boolean): Candidate | null {
  const vector = point.vectors?.[ITEM_VECTOR];
  if (vector === undefined) return null;
  return { itemId: point.id, item: readItem(point.payload, point.id), vector, relevance, trending };
}
