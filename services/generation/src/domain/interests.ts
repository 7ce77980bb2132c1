import { type ProfilePayload, strongestFirst } from '@tailor/kit';

import { type ItemFacts, looksLikeInstruction } from './facts.js';
import { cleanText, normalizeTerm, stableHash, wordsOf } from './text.js';

/** One interest with its share of the user's positive weight, rounded (see {@link INTEREST_LIMITS}). */
export interface Interest {
  name: string;
  weight: number;
}

/**
 * One of the user's interests, ranked, with its evidence: how much of their long-term weight it
 * holds, how much of their latest few liked items carry it, and titles of items they liked
 * that carry it (their own history, never anyone else's).
 */
export interface RankedInterest {
  /** In words, as the profile names it (`home decor`). */
  name: string;
  source: 'category' | 'tag';
  /** Share of the decayed long-term weight of its kind (categories or tags), rounded. */
  longTerm: number;
  /** Share of the latest liked items (see {@link INTEREST_LIMITS}) that carry it, rounded. */
  shortTerm: number;
  /** Up to {@link INTEREST_LIMITS.evidenceTitles} titles of liked items carrying it, newest first. */
  evidence: string[];
}

/** What the summary needs of an item the user liked, read from the catalog. */
export interface LikedItem {
  title: string;
  category: string;
  tags: readonly string[];
}

/**
 * What the writers know about a user: top categories and tags, the titles of a few items they
 * recently liked or bought, and the ranked interests built from both. No user id, nothing
 * personal: this is all a prompt ever gets.
 */
export interface InterestSummary {
  categories: Interest[];
  tags: Interest[];
  recentlyLiked: string[];
  /** Strongest first; absent in summaries built by hand, see {@link rankedInterests}. */
  ranked?: RankedInterest[];
}

/** How much of a profile the summary keeps. */
export const INTEREST_LIMITS = {
  categories: 3,
  tags: 5,
  recentlyLiked: 3,
  /**
   * Shares are rounded to this step, so small drifts of a profile between two requests keep
   * the same summary, and the same cache key.
   */
  weightStep: 0.05,
  nameChars: 40,
  titleChars: 80,
  /** Tags considered for the ranked list (the ranking then keeps {@link ranked}). */
  rankedTags: 8,
  ranked: 6,
  /** The latest distinct liked items that make the short-term share. */
  shortTermItems: 4,
  evidenceTitles: 2,
} as const;

/** Interaction types that count as "liked" for the recently-liked titles. */
export const LIKED_INTERACTIONS: ReadonlySet<string> = new Set(['like', 'purchase']);
/** A rating of at least this many stars counts as liked too. */
export const LIKED_RATING_STARS = 4;

function isLiked(interaction: ProfilePayload['recentItems'][number]): boolean {
  return (
    LIKED_INTERACTIONS.has(interaction.type) ||
    (interaction.type === 'rating' && (interaction.value ?? 0) >= LIKED_RATING_STARS)
  );
}

/** An empty summary: a user without a profile, or one that was forgotten. */
export const NO_INTERESTS: InterestSummary = Object.freeze({
  categories: [],
  tags: [],
  recentlyLiked: [],
}) as InterestSummary;

const INTEREST_NAME = /^[\p{L}\p{N}][\p{L}\p{N} &'-]*$/u;

/**
 * The top entries of a weight map as shares of its positive total. Weights are decayed to the
 * profile's `updatedAt`; decaying them further to "now" scales every weight alike, which
 * changes neither the ranking nor the shares, so the summary does without it.
 */
export function topInterests(weights: Record<string, number>, limit: number): Interest[] {
  const positive = Object.entries(weights).filter(
    ([name, weight]) =>
      Number.isFinite(weight) &&
      weight > 0 &&
      INTEREST_NAME.test(name) &&
      !looksLikeInstruction(name),
  );
  const total = positive.reduce((sum, [, weight]) => sum + weight, 0);
  if (total <= 0) return [];
  const step = INTEREST_LIMITS.weightStep;
  // Ties by locale order, like every ranking of interests here (see rankInterests).
  return strongestFirst(positive, limit, (a, b) => a.localeCompare(b))
    .map(([name, weight]) => ({
      name: name.slice(0, INTEREST_LIMITS.nameChars),
      weight: Math.max(step, Math.round(weight / total / step) * step),
    }))
    .map((interest) => ({ ...interest, weight: Number(interest.weight.toFixed(2)) }));
}

/**
 * Ids of items the user recently liked, bought or rated highly, newest first, distinct. A few spare ids are
 * returned beyond the limit, since some may no longer be in the catalog.
 */
export function likedItemIds(
  profile: ProfilePayload | undefined,
  limit = Math.max(INTEREST_LIMITS.recentlyLiked, INTEREST_LIMITS.shortTermItems),
): string[] {
  if (profile === undefined) return [];
  const ids: string[] = [];
  for (const interaction of profile.recentItems) {
    if (!isLiked(interaction) || ids.includes(interaction.itemId)) continue;
    ids.push(interaction.itemId);
    if (ids.length >= limit * 2) break;
  }
  return ids;
}

function cleanTitle(title: string): string {
  return cleanText(title).slice(0, INTEREST_LIMITS.titleChars);
}

/**
 * The ranked interests: every top category and tag of the long-term profile, plus the
 * categories of the latest liked items, scored by long-term share plus short-term share, so a
 * user whose last few likes moved to a new interest sees it lead within a few events.
 */
function rankInterests(profile: ProfilePayload, liked: readonly LikedItem[]): RankedInterest[] {
  const recent = liked.slice(0, INTEREST_LIMITS.shortTermItems);
  const candidates = new Map<string, { source: 'category' | 'tag'; longTerm: number }>();
  for (const c of topInterests(profile.categories, INTEREST_LIMITS.categories)) {
    candidates.set(normalizeTerm(c.name), { source: 'category', longTerm: c.weight });
  }
  for (const item of recent) {
    const name = normalizeTerm(item.category);
    if (name !== '' && INTEREST_NAME.test(name) && !candidates.has(name)) {
      candidates.set(name, { source: 'category', longTerm: 0 });
    }
  }
  for (const t of topInterests(profile.tags, INTEREST_LIMITS.rankedTags)) {
    const name = normalizeTerm(t.name);
    if (!candidates.has(name)) candidates.set(name, { source: 'tag', longTerm: t.weight });
  }
  const carries = (item: LikedItem, name: string, source: 'category' | 'tag') =>
    source === 'category'
      ? normalizeTerm(item.category) === name
      : item.tags.some((tag) => normalizeTerm(tag) === name);
  const step = INTEREST_LIMITS.weightStep;
  const ranked = [...candidates].map(([name, { source, longTerm }]): RankedInterest => {
    const hits = recent.filter((item) => carries(item, name, source)).length;
    return {
      name: name.slice(0, INTEREST_LIMITS.nameChars),
      source,
      longTerm,
      shortTerm:
        recent.length === 0
          ? 0
          : Number((Math.round(hits / recent.length / step) * step).toFixed(2)),
      evidence: liked
        .filter((item) => carries(item, name, source))
        .map((item) => cleanTitle(item.title))
        .filter((title, i, all) => title !== '' && all.indexOf(title) === i)
        .slice(0, INTEREST_LIMITS.evidenceTitles),
    };
  });
  return ranked
    .sort(
      (a, b) =>
        b.longTerm + b.shortTerm - (a.longTerm + a.shortTerm) ||
        Number(b.source === 'category') - Number(a.source === 'category') ||
        a.name.localeCompare(b.name),
    )
    .slice(0, INTEREST_LIMITS.ranked);
}

/**
 * The summary of a profile. `liked` maps the ids from {@link likedItemIds} to the items' titles,
 * categories and tags (the caller reads them from the catalog); ids it lacks are skipped.
 */
export function summarizeInterests(
  profile: ProfilePayload | undefined,
  liked: ReadonlyMap<string, LikedItem> = new Map(),
): InterestSummary {
  if (profile === undefined) return NO_INTERESTS;
  const likedItems = likedItemIds(profile)
    .map((id) => liked.get(id))
    .filter((item): item is LikedItem => item !== undefined && !looksLikeInstruction(item.title));
  const recentlyLiked = likedItems
    .map((item) => cleanTitle(item.title))
    .filter((title) => title !== '')
    .slice(0, INTEREST_LIMITS.recentlyLiked);
  return {
    categories: topInterests(profile.categories, INTEREST_LIMITS.categories),
    tags: topInterests(profile.tags, INTEREST_LIMITS.tags),
    recentlyLiked,
    ranked: rankInterests(profile, likedItems),
  };
}

/**
 * The ranked interests of a summary; for one built by hand without them, its categories and
 * tags by weight, with no short-term share or evidence.
 */
export function rankedInterests(summary: InterestSummary): RankedInterest[] {
  if (summary.ranked !== undefined) return summary.ranked;
  const all = [
    ...summary.categories.map((c) => ({ ...c, source: 'category' as const })),
    ...summary.tags.map((t) => ({ ...t, source: 'tag' as const })),
  ];
  return all
    .sort((a, b) => b.weight - a.weight || a.name.localeCompare(b.name))
    .map((i) => ({
      name: normalizeTerm(i.name),
      source: i.source,
      longTerm: i.weight,
      shortTerm: 0,
      evidence: [],
    }))
    .filter((i, k, list) => i.name !== '' && list.findIndex((o) => o.name === i.name) === k)
    .slice(0, INTEREST_LIMITS.ranked);
}

/** A short stable fingerprint of a summary, for cache keys. */
export function interestKey(summary: InterestSummary): string {
  const text = JSON.stringify([
    summary.categories.map((i) => [i.name, i.weight]),
    summary.tags.map((i) => [i.name, i.weight]),
    summary.recentlyLiked,
    (summary.ranked ?? []).map((i) => [i.name, i.longTerm, i.shortTerm, i.evidence]),
  ]);
  return `${stableHash(text).toString(16).padStart(8, '0')}${text.length.toString(16)}`;
}

/** Where an item fact met an interest. */
export type MatchSource = 'category' | 'tag' | 'attribute' | 'title';

/** A top interest of the user that the item's facts carry. */
export interface InterestMatch {
  /** The interest as the user's profile names it, in words (`home decor`). */
  interest: string;
  weight: number;
  source: MatchSource;
  /** For an attribute match, the attribute's name (`material`). */
  attributeName?: string;
}

function containsPhrase(text: string, phrase: string): boolean {
  const words = wordsOf(text).join(' ');
  const wanted = wordsOf(phrase).join(' ');
  return wanted !== '' && ` ${words} `.includes(` ${wanted} `);
}

/**
 * The user's interests that the item's category, tags, attribute values or title carry. Tag,
 * attribute and title matches come first (they say more about the item than its category),
 * strongest first within each group. Only these may be named in a text about the item: they
 * are facts of it.
 */
export function matchInterests(facts: ItemFacts, summary: InterestSummary): InterestMatch[] {
  const category = normalizeTerm(facts.category);
  const tags = new Set(facts.tags.map(normalizeTerm));
  const matches: InterestMatch[] = [];
  const seen = new Set<string>();
  const candidates = [...summary.categories, ...summary.tags].sort(
    (a, b) => b.weight - a.weight || a.name.localeCompare(b.name),
  );
  for (const candidate of candidates) {
    const interest = normalizeTerm(candidate.name);
    if (interest === '' || seen.has(interest)) continue;
    let match: InterestMatch | undefined;
    if (interest === category) {
      match = { interest, weight: candidate.weight, source: 'category' };
    } else if (tags.has(interest)) {
      match = { interest, weight: candidate.weight, source: 'tag' };
    } else {
      const attribute = facts.attributes.find((a) => normalizeTerm(a.value) === interest);
      if (attribute !== undefined) {
        match = {
          interest,
          weight: candidate.weight,
          source: 'attribute',
          attributeName: attribute.name,
        };
      } else if (containsPhrase(facts.title, interest)) {
        match = { interest, weight: candidate.weight, source: 'title' };
      }
    }
    if (match !== undefined) {
      seen.add(interest);
      matches.push(match);
    }
  }
  return matches.sort(
    (a, b) =>
      Number(a.source === 'category') - Number(b.source === 'category') || b.weight - a.weight,
  );
}

/** True when the summary has anything to personalise with. */
export function hasInterests(summary: InterestSummary): boolean {
  return summary.categories.length > 0 || summary.tags.length > 0;
}
