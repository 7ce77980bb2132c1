import { ArgumentError, checkId, type Condition, EVENT_LIMITS, type Filter } from '@tailor/kit';

/** Bounds of the recommender's arguments and searches; documented in the service README. */
export const RECOMMENDATION_LIMITS = {
  defaultFirst: 10,
  maxFirst: 50,
  /** The event contract's bound: ids asked about came in through events. */
  idMaxLength: EVENT_LIMITS.idMaxLength,
  maxExcludeItemIds: 200,
  /** Same bound as categories in the catalog. */
  categoryMaxLength: 64,
  surfaceMaxLength: 64,
  /** Trending items looked at per item asked for by `trendingItems`, before the stock check. */
  candidatesPerItem: 10,
  minCandidates: 100,
  /** Most candidates one source fetches for one list, whatever its setting. */
  maxCandidates: 500,
} as const;

const L = RECOMMENDATION_LIMITS;

/** Where impressions say a list was shown when the client does not tell. */
export const DEFAULT_SURFACE = 'api';

/** Checks an id argument once trimmed (kit's id bound). Returns it trimmed. */
export function checkTrimmedId(value: string, argument: string): string {
  return checkId(value.trim(), argument);
}

/** Normalizes a category the way the catalog stores them (trimmed, lowercase). */
export function checkCategory(value: string, argument: string): string {
  const category = value.trim().toLowerCase();
  if (category === '' || category.length > L.categoryMaxLength) {
    throw new ArgumentError(
      argument,
      `${argument} must be 1 to ${L.categoryMaxLength} characters, got ${category.length}`,
    );
  }
  return category;
}

/** What a client may say about where and how a list is shown. */
export interface RecommendationContextArgs {
  category?: string | null;
  excludeItemIds?: readonly string[] | null;
  surface?: string | null;
  diversity?: number | null;
}

/** {@link RecommendationContextArgs} checked and normalized. */
export interface RecommendationContext {
  /** Lowercase, as stored; absent for every category. */
  category?: string;
  /** Distinct, trimmed. */
  excludeItemIds: string[];
  surface: string;
  /** 0..1; absent to use the configured MMR λ. */
  diversity?: number;
}

/** Checks the context argument; every error names the offending field. */
export function parseContext(
  args: RecommendationContextArgs | null | undefined,
): RecommendationContext {
  const context: RecommendationContext = { excludeItemIds: [], surface: DEFAULT_SURFACE };
  if (args === null || args === undefined) return context;
  if (args.category !== null && args.category !== undefined) {
    context.category = checkCategory(args.category, 'context.category');
  }
  const excluded = args.excludeItemIds ?? [];
  if (excluded.length > L.maxExcludeItemIds) {
    throw new ArgumentError(
      'context.excludeItemIds',
      `context.excludeItemIds may hold at most ${L.maxExcludeItemIds} ids, got ${excluded.length}`,
    );
  }
  context.excludeItemIds = [
    ...new Set(excluded.map((id) => checkTrimmedId(id, 'context.excludeItemIds'))),
  ];
  if (args.surface !== null && args.surface !== undefined) {
    const surface = args.surface.trim();
    if (surface === '' || surface.length > L.surfaceMaxLength) {
      throw new ArgumentError(
        'context.surface',
        `context.surface must be 1 to ${L.surfaceMaxLength} characters, got ${surface.length}`,
      );
    }
    context.surface = surface;
  }
  if (args.diversity !== null && args.diversity !== undefined) {
    const d = args.diversity;
    if (!Number.isFinite(d) || d < 0 || d > 1) {
      throw new ArgumentError(
        'context.diversity',
        `context.diversity must be a number from 0 to 1, got ${d}`,
      );
    }
    context.diversity = d;
  }
  return context;
}

/** How many trending items `trendingItems` looks at for `first`: ten per item, 100 to 500. */
export function candidateLimit(first: number): number {
  return Math.min(Math.max(first * L.candidatesPerItem, L.minCandidates), L.maxCandidates);
}

/** MMR's λ for a request: `1 − diversity` when the client asks, else the configured one. */
export function mmrLambda(configured: number, diversity: number | undefined): number {
  return diversity === undefined ? configured : 1 - diversity;
}

/** What every candidate must satisfy. */
export interface CandidateFilterArgs {
  /** Items never to offer: what the user has seen plus what the client excludes. */
  excludeIds: readonly string[];
  /** Lowercase category, or absent for all. */
  category?: string;
}

/** The store filter of candidates: in stock, of the category if given, none of the excluded. */
export function candidateFilter(args: CandidateFilterArgs): Filter {
  const must: Condition[] = [{ key: 'inStock', match: { value: true } }];
  if (args.category !== undefined) must.push({ key: 'category', match: { value: args.category } });
  const excluded = [...new Set(args.excludeIds)];
  return excluded.length === 0 ? { must } : { must, must_not: [{ has_id: excluded }] };
}

/**
 * {@link candidateFilter} applied to an item in hand: sources that read counts rather than
 * search the store find ids first, so their items are checked here, the same way.
 */
export function passesCandidateFilter(
  id: string,
  item: { inStock: boolean; category: string },
  args: { excluded: ReadonlySet<string>; category?: string },
): boolean {
  if (!item.inStock || args.excluded.has(id)) return false;
  return args.category === undefined || item.category === args.category;
}
