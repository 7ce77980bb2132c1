import { cosine, dot, type Vector } from '@tailor/kit';

import type { Interaction } from './profile.js';

/** Thresholds of the reasons; documented in the service README. */
export const REASON_LIMITS = {
  maxReasons: 3,
  maxSharedTags: 3,
  /** Below this cosine, naming a past interaction would explain nothing. */
  minInteractionSimilarity: 0.2,
  /**
   * "People who liked …" needs a collaborative signal of at least this share of the list's
   * strongest: the model must have backed the pick, not merely scored it.
   */
  minCollaborativeShare: 0.5,
  /** Items younger than this are "New in …". */
  newItemMaxAgeDays: 14,
  /** "Popular in …" needs at least this decayed count: about one view in the last half-life. */
  popularMinTrend: 1,
  /** …and log1p(trend) / log1p(the category's top trend) of at least this. */
  popularMinCategoryShare: 0.5,
} as const;

const R = REASON_LIMITS;
const DAY_MS = 86_400_000;

const VERBS: Readonly<Record<string, string>> = {
  view: 'viewed',
  click: 'viewed',
  dwell: 'viewed',
  like: 'liked',
  purchase: 'bought',
  add_to_cart: 'added to cart',
  share: 'shared',
};

/**
 * The verb of a remembered interaction, or null when it must not be cited: negative signals,
 * impressions, and ratings whose stars are unknown or low (saying "rated highly" of a one-star
 * rating would be worse than saying nothing).
 */
export function interactionVerb(interaction: Pick<Interaction, 'type' | 'value'>): string | null {
  if (interaction.type === 'rating') {
    return interaction.value !== undefined && interaction.value >= 4 ? 'rated highly' : null;
  }
  return VERBS[interaction.type] ?? null;
}

/** A stored category as people read it: "home-decor" becomes "Home decor". */
export function categoryLabel(category: string): string {
  const words = category.replace(/[-_]+/g, ' ').trim();
  return words === '' ? category : words[0]!.toUpperCase() + words.slice(1);
}

/** Whether an item stands out among its category's trending items. */
export function isPopularInCategory(trend: number, categoryMaxTrend: number): boolean {
  if (trend < R.popularMinTrend || !(categoryMaxTrend > 0)) return false;
  return Math.log1p(trend) / Math.log1p(categoryMaxTrend) >= R.popularMinCategoryShare;
}

/** Whether the item is recent enough to be called new. */
export function isNew(createdAt: number, now: number): boolean {
  return now - createdAt <= R.newItemMaxAgeDays * DAY_MS;
}

/** A past interaction with the facts needed to cite it. */
export interface CitedInteraction {
  title: string;
  /** From {@link interactionVerb}. */
  verb: string;
  vector: Vector;
  /** The item's collaborative factors, when the model covers it. */
  cf?: Vector;
}

/** The facts of a pick that reasons talk about. */
export interface PickFacts {
  title: string;
  category: string;
  tags: readonly string[];
  createdAt: number;
  vector: Vector;
  /** Stands out among its category's trending items (see {@link isPopularInCategory}). */
  popularInCategory: boolean;
  /** The list is built from trending (a user without history) and the item trends now. */
  trending: boolean;
  /** The pick's collaborative factors, when the model covers it. */
  cf?: Vector;
  /** Normalized collaborative signal (1 for the list's strongest), 0 without one. */
  collaborative: number;
  /** The collaborative part of the score outweighs the content part: its reason goes first. */
  collaborativeFirst: boolean;
}

/** What reasons know of the user; both empty for a user without history. */
export interface UserFacts {
  /** Newest first; the first of equally similar ones is cited. */
  recent: readonly CitedInteraction[];
  /** Strongest first. */
  topTags: readonly string[];
}

/** The user's strongest tags that the item has, strongest first. */
export function sharedTags(userTags: readonly string[], itemTags: readonly string[]): string[] {
  const tags = new Set(itemTags);
  return userTags.filter((tag) => tags.has(tag)).slice(0, R.maxSharedTags);
}

/** The first of the best-scoring interactions, or undefined when none scores above `min`. */
function bestBy(
  recent: readonly CitedInteraction[],
  score: (interaction: CitedInteraction) => number | undefined,
  min: number,
): CitedInteraction | undefined {
  let cited: CitedInteraction | undefined;
  let best = -Infinity;
  for (const interaction of recent) {
    const value = score(interaction);
    if (value !== undefined && value > best) {
      cited = interaction;
      best = value;
    }
  }
  return best >= min ? cited : undefined;
}

/** "Because you …": the recent interaction most similar in content, if similar enough. */
function contentReason(pick: PickFacts, user: UserFacts): string | undefined {
  const cited = bestBy(
    user.recent,
    (interaction) => cosine(interaction.vector, pick.vector),
    R.minInteractionSimilarity,
  );
  return cited === undefined ? undefined : `Because you ${cited.verb} ${cited.title}`;
}

/**
 * "People who liked …": the history item whose factors have the highest dot product with the
 * pick's (the model's item-to-item affinity), when the model backed the pick and that product
 * is positive.
 */
function collaborativeReason(pick: PickFacts, user: UserFacts): string | undefined {
  const pickCf = pick.cf;
  if (pickCf === undefined || pick.collaborative < R.minCollaborativeShare) return undefined;
  const cited = bestBy(
    user.recent,
    (interaction) =>
      interaction.cf === undefined || interaction.cf.length !== pickCf.length
        ? undefined
        : dot(interaction.cf, pickCf),
    Number.MIN_VALUE,
  );
  return cited === undefined ? undefined : `People who liked ${cited.title} also liked this`;
}

/**
 * Why a pick was made, most personal first, at least one and at most
 * {@link REASON_LIMITS.maxReasons}. The same rules serve every list: a user without history
 * simply has no evidence of their own to cite.
 */
export function pickReasons(pick: PickFacts, user: UserFacts, now: number): string[] {
  const collaborative = collaborativeReason(pick, user);
  const content = contentReason(pick, user);
  const evidence = pick.collaborativeFirst ? [collaborative, content] : [content, collaborative];
  const reasons = evidence.filter((r): r is string => r !== undefined);
  const tags = sharedTags(user.topTags, pick.tags);
  if (tags.length > 0) reasons.push(`Matches your interest in ${tags.join(', ')}`);
  const label = categoryLabel(pick.category);
  if (pick.trending) reasons.push(`Trending now in ${label}`);
  else if (pick.popularInCategory) reasons.push(`Popular in ${label} right now`);
  if (isNew(pick.createdAt, now)) reasons.push(`New in ${label}`);
  if (reasons.length === 0) {
    const known = user.recent.length > 0 || user.topTags.length > 0;
    reasons.push(known ? `Picked for your taste in ${label}` : `Explore more in ${label}`);
  }
  return reasons.slice(0, R.maxReasons);
}

/** Why `item` is offered as similar to `source`. */
export function similarItemReason(
  source: { title: string; category: string; tags: readonly string[] },
  item: { category: string; tags: readonly string[] },
): string {
  const tags = sharedTags(source.tags, item.tags);
  if (tags.length > 0) return `Shares ${tags.join(', ')} with ${source.title}`;
  if (source.category === item.category) {
    return `Also in ${categoryLabel(item.category)}, like ${source.title}`;
  }
  return `Similar to ${source.title}`;
}
