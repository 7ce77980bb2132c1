import { categoryLabel, formatPrice, type ItemFacts } from './facts.js';
import { hasInterests, type InterestSummary, rankedInterests } from './interests.js';
import { type Angle, ANGLES } from './loop/angles.js';
import { normalizeTerm } from './text.js';

/**
 * What each angle of a variant leads with, from the item's facts and the user's interests
 * only: an angle the facts cannot back is not offered for the item, so no variant has to
 * invent a claim to exist.
 */

/**
 * Tags or attribute values that say other shoppers pick the item. Each is a claim the
 * grounding check allows only when the item's structured facts state it, which is exactly
 * when the popularity angle may be written.
 */
const POPULARITY_TERMS = [
  'bestseller',
  'best seller',
  'bestselling',
  'best selling',
  'top rated',
  'top seller',
  'popular',
  'customer favourite',
  'customer favorite',
  'fan favourite',
  'fan favorite',
] as const;

/** The item's own term for being popular (a tag or attribute value), if it has one. */
export function popularityTerm(facts: ItemFacts): string | undefined {
  const terms = [...facts.tags, ...facts.attributes.map((a) => a.value)].map(normalizeTerm);
  for (const term of terms) if ((POPULARITY_TERMS as readonly string[]).includes(term)) return term;
  return undefined;
}

/** Up to `count` of the item's category and tags that none of the user's interests names. */
export function novelTerms(facts: ItemFacts, interests: InterestSummary, count = 2): string[] {
  const known = new Set(rankedInterests(interests).map((i) => i.name));
  for (const c of interests.categories) known.add(normalizeTerm(c.name));
  for (const t of interests.tags) known.add(normalizeTerm(t.name));
  const popular = popularityTerm(facts);
  const terms = [categoryLabel(facts), ...facts.tags]
    .map(normalizeTerm)
    .filter((t, i, all) => t !== '' && all.indexOf(t) === i && !known.has(t) && t !== popular);
  return terms.slice(0, count);
}

/** The item's price as written in copy, or '' when it has none (no currency). */
export function priceText(facts: ItemFacts): string {
  return facts.currency === '' ? '' : formatPrice(facts.price, facts.currency);
}

/**
 * The angles this item can be written from for this user, in the closed order of ANGLES:
 * `interest` always; `value` with a price or a concrete attribute to lead with; `popularity`
 * only when the facts say the item is popular; `novelty` only for a user with interests and an
 * item that brings a category or tag outside them.
 */
export function availableAngles(facts: ItemFacts, interests: InterestSummary): Angle[] {
  const available: Record<Angle, boolean> = {
    interest: true,
    value: priceText(facts) !== '' || facts.attributes.length > 0,
    popularity: popularityTerm(facts) !== undefined,
    novelty: hasInterests(interests) && novelTerms(facts, interests).length > 0,
  };
  return ANGLES.filter((angle) => available[angle]);
}
