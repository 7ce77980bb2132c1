import { categoryLabel, type ItemFacts } from './facts.js';
import { type InterestSummary, type RankedInterest, rankedInterests } from './interests.js';
import { normalizeTerm, wordsOf } from './text.js';

/**
 * How an item meets a user: through one of their interests that the item's facts carry, or,
 * when it carries none, as new ground (named plainly, never dressed up as a match).
 */
export interface Connection {
  /** The user's interest the copy is written around. */
  interest: RankedInterest;
  /**
   * `carries`: a fact of the item (see `via`) is that interest, so the copy may say it suits
   * it. `new`: no fact is, so the copy may only say the item is something new for them.
   */
  kind: 'carries' | 'new';
  /** For `carries`, the fact that carries the interest. */
  via?: 'category' | 'tag' | 'attribute' | 'title';
  /** For an attribute, its name (`material`). */
  attributeName?: string;
  /** Other interests of the user the item carries too, strongest first. */
  alsoCarried: string[];
}

/** `outdoor` and `outdoors` are one interest to a reader: naming both reads as padding. */
export function sameInterest(a: string, b: string): boolean {
  return a === b || `${a}s` === b || `${b}s` === a;
}

/** Most connections a writer considers per item. */
export const MAX_CONNECTIONS = 3;

function carriedBy(
  facts: ItemFacts,
  name: string,
): Pick<Connection, 'via' | 'attributeName'> | undefined {
  if (normalizeTerm(facts.category) === name) return { via: 'category' };
  if (facts.tags.some((tag) => normalizeTerm(tag) === name)) return { via: 'tag' };
  const attribute = facts.attributes.find((a) => normalizeTerm(a.value) === name);
  if (attribute !== undefined) return { via: 'attribute', attributeName: attribute.name };
  const title = ` ${wordsOf(facts.title).join(' ')} `;
  const wanted = wordsOf(name).join(' ');
  if (wanted !== '' && title.includes(` ${wanted} `)) return { via: 'title' };
  return undefined;
}

/**
 * The honest connections between an item and a user, best first: the user's interests the
 * item carries (through a tag, attribute or title first, then its category; strongest first
 * within each), else new ground through the user's strongest interests.
 * Empty for a user without interests.
 */
export function connectionsFor(facts: ItemFacts, summary: InterestSummary): Connection[] {
  const ranked = rankedInterests(summary);
  const carried = ranked
    .map((interest) => ({ interest, by: carriedBy(facts, interest.name) }))
    .filter(
      (c): c is { interest: RankedInterest; by: NonNullable<typeof c.by> } => c.by !== undefined,
    )
    // A tag, attribute or title says more about the item than its category: those lead.
    .sort((a, b) => Number(a.by.via === 'category') - Number(b.by.via === 'category'));
  const names = carried.map((c) => c.interest.name);
  const connections: Connection[] = carried.map((c) => ({
    interest: c.interest,
    kind: 'carries',
    ...c.by,
    alsoCarried: names.filter((n) => !sameInterest(n, c.interest.name)),
  }));
  // A category the user already holds is no "new ground", even when a tag led the match.
  const category = categoryLabel(facts);
  for (const interest of ranked) {
    if (connections.length >= MAX_CONNECTIONS) break;
    if (names.includes(interest.name) || interest.name === category) continue;
    if (connections.some((c) => c.kind === 'carries')) break;
    connections.push({ interest, kind: 'new', alsoCarried: [] });
  }
  return connections.slice(0, MAX_CONNECTIONS);
}

/** The user's strongest interests other than `except`, for naming alongside it. */
export function otherInterests(summary: InterestSummary, except: string, count: number): string[] {
  return rankedInterests(summary)
    .map((i) => i.name)
    .filter((name) => !sameInterest(name, except))
    .slice(0, count);
}
