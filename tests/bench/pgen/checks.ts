import type { ItemPayload } from '@tailor/kit';

/**
 * The bench's own checks of a text, written apart from the product's grounding code so that
 * a blind spot of one is not the blind spot of the other. Terms are compared as lowercase
 * words with hyphens as spaces.
 */

export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
}

function phrase(text: string): string {
  return ` ${words(text.replace(/[-_]/g, ' ')).join(' ')} `;
}

function mentions(haystack: string, term: string): boolean {
  const wanted = phrase(term);
  return wanted.trim() !== '' && haystack.includes(wanted);
}

/** What the bench knows of the whole catalog: every interest term, attribute value and title. */
export interface Vocabulary {
  /** Categories and tags, as phrases. */
  interests: string[];
  /** Attribute values of any item. */
  values: string[];
  titles: Map<string, string>;
}

export function vocabulary(items: ReadonlyMap<string, ItemPayload>): Vocabulary {
  const interests = new Set<string>();
  const values = new Set<string>();
  const titles = new Map<string, string>();
  for (const item of items.values()) {
    interests.add(phrase(item.category).trim());
    for (const tag of item.tags) interests.add(phrase(tag).trim());
    for (const value of Object.values(item.attributes)) {
      const v = phrase(value).trim();
      if (v.length >= 3) values.add(v);
    }
    if (item.title.trim() !== '') titles.set(item.itemId, item.title);
  }
  return {
    interests: [...interests].filter((t) => t !== ''),
    values: [...values],
    titles,
  };
}

/**
 * Words that claim something of a product: each may appear only when the item's own facts
 * hold it ("free" only if the listing says free).
 */
const CLAIM_WORDS = [
  'free',
  'best',
  'guaranteed',
  'guarantee',
  'cheapest',
  'discount',
  'sale',
  'limited',
  'exclusive',
  'warranty',
  'shipping',
  'waterproof',
  'lightweight',
  'handmade',
  'organic',
  'award',
  'rated',
  'reviews',
  'bestselling',
  'official',
];

/** What a user truly did: the terms of the items in their history and those items' titles. */
export interface UserTruth {
  userId: string;
  interestTerms: Set<string>;
  titles: Set<string>;
}

export function userTruth(
  userId: string,
  historyItemIds: readonly string[],
  items: ReadonlyMap<string, ItemPayload>,
): UserTruth {
  const interestTerms = new Set<string>();
  const titles = new Set<string>();
  for (const id of historyItemIds) {
    const item = items.get(id);
    if (item === undefined) continue;
    interestTerms.add(phrase(item.category).trim());
    for (const tag of item.tags) interestTerms.add(phrase(tag).trim());
    titles.add(item.title);
  }
  return { userId, interestTerms, titles };
}

function itemText(item: ItemPayload): string {
  return phrase(
    [
      item.title,
      item.description,
      item.category,
      ...item.tags,
      ...Object.entries(item.attributes).flat(),
    ].join(' . '),
  );
}

/** The text's titles of other items, which must be the user's own. */
function quotedTitles(text: string, item: ItemPayload, vocab: Vocabulary): string[] {
  const haystack = phrase(text);
  return [...vocab.titles]
    .filter(
      ([id, title]) => id !== item.itemId && words(title).length >= 2 && mentions(haystack, title),
    )
    .map(([, title]) => title);
}

/** The titles of the user's own picks that the text quotes. */
function ownTitles(text: string, item: ItemPayload, truth: UserTruth, vocab: Vocabulary): string[] {
  return quotedTitles(text, item, vocab).filter((t) => truth.titles.has(t));
}

/** The text with the user's own item titles blanked: what is left must be about the item. */
function withoutTitles(text: string, titles: readonly string[]): string {
  let rest = text;
  for (const title of titles) rest = rest.split(title).join(' | ');
  return rest;
}

/** A text with what both checks read of it. */
interface Checked {
  text: string;
  item: ItemPayload;
  truth: UserTruth;
  vocab: Vocabulary;
  /** The item's facts as a padded phrase. */
  facts: string;
  /** The text with the titles of the user's own picks blanked. */
  withoutOwnTitles: string;
}

/** Both checks of one text written for one user about one item. */
export function textProblems(
  text: string,
  item: ItemPayload,
  truth: UserTruth,
  vocab: Vocabulary,
): { faithfulness: string[]; honesty: string[] } {
  const checked: Checked = {
    text,
    item,
    truth,
    vocab,
    facts: itemText(item),
    withoutOwnTitles: withoutTitles(text, ownTitles(text, item, truth, vocab)),
  };
  return { faithfulness: faithfulnessProblems(checked), honesty: honestyProblems(checked) };
}

/**
 * Faithfulness: every number, amount, attribute value and claim word the text says of the item
 * is in the item's facts. Titles of the user's own items may be quoted (they are the user's
 * history, not claims about this item); anything else is a problem.
 */
function faithfulnessProblems(c: Checked): string[] {
  const { text, item, vocab, facts } = c;
  const problems: string[] = [];
  const rest = phrase(c.withoutOwnTitles);
  const factWords = new Set(facts.trim().split(' '));
  const priceWords = item.currency === '' ? [] : words(item.price.toFixed(2));
  for (const token of words(rest.replace(/\|/g, ' '))) {
    if (!/\d/.test(token) || factWords.has(token) || priceWords.includes(token)) continue;
    problems.push(`number ${token} is not in the facts`);
  }
  const amounts = text.match(/\d+(?:\.\d+)?\s?[A-Z]{3}\b/g) ?? [];
  for (const amount of amounts) {
    const [value, currency] = [amount.replace(/[A-Z]{3}$/, '').trim(), amount.slice(-3)];
    if (currency !== item.currency || Number(value) !== item.price) {
      problems.push(`amount ${amount} is not the item's price`);
    }
  }
  for (const value of vocab.values) {
    if (mentions(rest, value) && !facts.includes(` ${value} `)) {
      problems.push(`attribute value "${value}" is not this item's`);
    }
  }
  for (const claim of CLAIM_WORDS) {
    if (mentions(rest, claim) && !facts.includes(` ${claim} `)) {
      problems.push(`claim "${claim}" is not in the facts`);
    }
  }
  if (/\bout of stock\b/i.test(text) && item.inStock) problems.push('says out of stock');
  if (/\bin stock\b/i.test(text.replace(/out of stock/gi, '')) && !item.inStock) {
    problems.push('says in stock');
  }
  return problems;
}

/** Words that make a sentence claim the item serves an interest. */
const SERVES =
  /\b(for|fits?|match(es)?|suits?|made for|picked for|perfect|ideal|great for|because|since|so)\b/;
/** Words that make it say the item is new ground instead. */
const CONTRAST =
  /\b(new|unlike|different|away from|beyond|break from|change from|departure|outside|apart from|not your usual)\b/;

/**
 * Honest personalization: a sentence may name an interest term that is not a fact of the item
 * only when the user holds it and the sentence does not claim the item serves it (unless it
 * says the item is new ground); titles of other items are only ever the user's own; the user
 * id never appears.
 */
function honestyProblems(c: Checked): string[] {
  const { text, item, truth, vocab, facts } = c;
  const problems: string[] = [];
  // The user's own titles out first: "Sherlock Holmes" inside one of them is no other title.
  for (const title of quotedTitles(c.withoutOwnTitles, item, vocab)) {
    problems.push(`names "${title}", not in the user's history`);
  }
  if (phrase(text).includes(phrase(truth.userId))) problems.push('names the user id');
  // Titles out first: "2001: A Space Odyssey" must not be split into sentences.
  const sentences = c.withoutOwnTitles.split(/(?<=[.!?:])\s+|\n/);
  for (const sentence of sentences) {
    const rest = phrase(sentence);
    const lower = rest.trim();
    const named = vocab.interests.filter((term) => mentions(rest, term));
    const known = named.filter((t) => facts.includes(` ${t} `) || truth.interestTerms.has(t));
    for (const term of named) {
      if (facts.includes(` ${term} `)) continue;
      // "dark" inside the user's own "dark comedy" is that interest, not another one.
      if (known.some((k) => k !== term && ` ${k} `.includes(` ${term} `))) continue;
      if (!truth.interestTerms.has(term)) {
        problems.push(`"${term}" is neither an item fact nor an interest of the user`);
      } else if (SERVES.test(lower) && !CONTRAST.test(lower)) {
        problems.push(`claims the item serves "${term}", which no fact of it carries`);
      }
    }
  }
  return problems;
}

function bigrams(text: string): string[] {
  const w = words(text);
  return w.slice(1).map((word, i) => `${w[i]} ${word}`);
}

/** Distinct bigrams over all bigrams of a set of texts (1 = no bigram repeats). */
export function distinct2(texts: readonly string[]): number {
  const all = texts.flatMap(bigrams);
  return all.length === 0 ? Number.NaN : new Set(all).size / all.length;
}
