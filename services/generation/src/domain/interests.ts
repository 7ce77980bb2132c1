import type { ProfilePayload } from '@tailor/kit';

import { type ItemFacts, looksLikeInstruction } from './facts.js';
import { cleanText, normalizeTerm, stableHash, wordsOf } from './text.js';

/** One interest with its share of the user's positive weight, rounded (see {@link INTEREST_LIMITS}). */
export interface Interest {
  name: string;
  weight: number;
}

/**
 * What the writers know about a user: top categories and tags, and the titles of a few items
 * they recently liked or bought. No user id, nothing personal: this is all a prompt ever gets.
 */
export interface InterestSummary {
  categories: Interest[];
  tags: Interest[];
  recentlyLiked: string[];
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
} as const;

/** Interaction types that count as "liked" for the recently-liked titles. */
export const LIKED_INTERACTIONS: ReadonlySet<string> = new Set(['like', 'purchase']);

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
  return positive
    .sort(([a, wa], [b, wb]) => wb - wa || a.localeCompare(b))
    .slice(0, limit)
    .map(([name, weight]) => ({
      name: name.slice(0, INTEREST_LIMITS.nameChars),
      weight: Math.max(step, Math.round(weight / total / step) * step),
    }))
    .map((interest) => ({ ...interest, weight: Number(interest.weight.toFixed(2)) }));
}

/**
 * Ids of items the user recently liked or bought, newest first, distinct. A few spare ids are
 * returned beyond the limit, since some may no longer be in the catalog.
 */
export function likedItemIds(
  profile: ProfilePayload | undefined,
  limit = INTEREST_LIMITS.recentlyLiked,
): string[] {
  if (profile === undefined) return [];
  const ids: string[] = [];
  for (const interaction of profile.recentItems) {
    if (!LIKED_INTERACTIONS.has(interaction.type) || ids.includes(interaction.itemId)) continue;
    ids.push(interaction.itemId);
    if (ids.length >= limit * 2) break;
  }
  return ids;
}

/**
 * The summary of a profile. `likedTitles` maps the ids from {@link likedItemIds} to titles (the
 * caller reads them from the catalog); ids without a title are skipped.
 */
export function summarizeInterests(
  profile: ProfilePayload | undefined,
  likedTitles: ReadonlyMap<string, string> = new Map(),
): InterestSummary {
  if (profile === undefined) return NO_INTERESTS;
  const recentlyLiked = likedItemIds(profile)
    .map((id) => likedTitles.get(id))
    .filter((title): title is string => title !== undefined && title.trim() !== '')
    .map((title) => cleanText(title).slice(0, INTEREST_LIMITS.titleChars))
    .slice(0, INTEREST_LIMITS.recentlyLiked);
  return {
    categories: topInterests(profile.categories, INTEREST_LIMITS.categories),
    tags: topInterests(profile.tags, INTEREST_LIMITS.tags),
    recentlyLiked,
  };
}

/** A short stable fingerprint of a summary, for cache keys. */
export function interestKey(summary: InterestSummary): string {
  const text = JSON.stringify([
    summary.categories.map((i) => [i.name, i.weight]),
    summary.tags.map((i) => [i.name, i.weight]),
    summary.recentlyLiked,
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
