import { currencyDigits, type ItemFacts } from '../facts.js';
import { canonicalNumber, NUMBER } from '../money.js';
import { wordsOf } from '../text.js';
import { UNIT_ALIASES } from './lexicon.js';

/** What a text may draw on, derived once from an item's facts. */
export interface FactIndex {
  /** Every word of every fact, lower case. */
  words: ReadonlySet<string>;
  /**
   * Title, category, tags and attributes as one lower-case word string, padded with one space
   * each side, so ` ${phrase} ` is found in it only as whole words.
   */
  structuredText: string;
  /** The same words run together without spaces: what a hashtag (`#trailrunning`) is read against. */
  structuredRunTogether: string;
  /** Numbers, canonical (`1299`, `19.99`). */
  numbers: ReadonlySet<string>;
  /** `number|unit` pairs seen in the facts. */
  numberUnits: ReadonlySet<string>;
  /** Numbers a text may state about the offer: the price and numbers of attribute values. */
  offerNumbers: ReadonlySet<string>;
  /** Upper-case tokens of the facts (`USB`, `LED`). */
  capitals: ReadonlySet<string>;
  currency: string;
}

/** A number in a text, canonical, as written, and with the unit written after it if any. */
export interface NumberInText {
  value: string;
  raw: string;
  unit: string | undefined;
}

const UNIT_AFTER = /^\s?(?:-\s?)?(per cent|[\p{L}%"″°]+)/u;
/** Runs of two or more capitals: shouting in a text, an acronym (`USB`) in the facts. */
export const SHOUTING = /(?<![\p{L}\p{N}])[\p{Lu}]{2,}(?![\p{L}])/gu;

function unitAt(text: string, index: number): string | undefined {
  const match = UNIT_AFTER.exec(text.slice(index));
  if (match === null) return undefined;
  return UNIT_ALIASES[(match[1] ?? '').toLowerCase()];
}

/** The numbers of a text, read the same way in facts and in generated copy. */
export function numbersIn(text: string): NumberInText[] {
  const found: NumberInText[] = [];
  for (const match of text.matchAll(NUMBER)) {
    const raw = match[0];
    found.push({
      raw,
      value: canonicalNumber(raw),
      unit: unitAt(text, (match.index ?? 0) + raw.length),
    });
  }
  return found;
}

function buildIndex(facts: ItemFacts): FactIndex {
  const structured = [
    facts.title,
    facts.category,
    ...facts.tags,
    ...facts.attributes.flatMap((a) => [a.name, a.value]),
  ];
  const all = [...structured, facts.description, facts.currency];
  const numbers = new Set<string>();
  const numberUnits = new Set<string>();
  for (const text of all) {
    for (const number of numbersIn(text)) {
      numbers.add(number.value);
      if (number.unit !== undefined) numberUnits.add(`${number.value}|${number.unit}`);
    }
  }
  numbers.add(canonicalNumber(String(facts.price)));
  numbers.add(canonicalNumber(facts.price.toFixed(currencyDigits(facts.currency))));
  // Prices and discounts come from structured fields only: a merchant's free text saying
  // "only 1 EUR" about a 249 EUR item grounds nothing.
  const offerNumbers = new Set([
    canonicalNumber(String(facts.price)),
    ...facts.attributes.flatMap((a) =>
      [...a.value.matchAll(NUMBER)].map((m) => canonicalNumber(m[0])),
    ),
  ]);
  const capitals = new Set<string>();
  for (const text of all) for (const match of text.matchAll(SHOUTING)) capitals.add(match[0]);
  const structuredWords = structured.flatMap((text) => wordsOf(text));
  return {
    words: new Set(all.flatMap((text) => wordsOf(text))),
    structuredText: ` ${structuredWords.join(' ')} `,
    structuredRunTogether: structuredWords.join(''),
    numbers,
    numberUnits,
    offerNumbers,
    capitals,
    currency: facts.currency,
  };
}

/**
 * Indexes already built, by facts object. Facts are values: an edited item is read into a new
 * object (the generation service keys its facts by the stored point's digest), so an index
 * never goes stale, and one item's candidates, parts and quoted sentences share one index
 * instead of rebuilding it for every text checked. Weak, so an index goes with its facts.
 */
const built = new WeakMap<ItemFacts, FactIndex>();

/** The index of an item's facts, built on the first check of that facts object. */
export function factIndex(facts: ItemFacts): FactIndex {
  let index = built.get(facts);
  if (index === undefined) {
    index = buildIndex(facts);
    built.set(facts, index);
  }
  return index;
}
