import { CURRENCY_SYMBOLS, CURRENCY_WORDS, ISO_CURRENCIES, offerNumbersIn } from '../money.js';
import { wordsOf } from '../text.js';
import { type FactIndex, numbersIn, SHOUTING } from './fact-index.js';
import { ATTRIBUTE_WORDS, CLAIMS, META_PHRASES, NUMBER_WORDS } from './lexicon.js';

/** One piece of generated text as the rules read it; built once per text, shared by all rules. */
export interface CheckedText {
  /** As written: what forbidden terms are looked for in. */
  raw: string;
  /** With the user's history titles taken out: what the facts are checked against. */
  text: string;
  /** Lower-case words of `text`. */
  words: readonly string[];
  /** `words` joined by single spaces and padded with one each side, for whole-phrase lookups. */
  phrases: string;
  /** Headlines and calls to action may be in title case; body text may not. */
  titleCaseAllowed: boolean;
  /** Strings that must never appear (the user id the request was for). */
  forbiddenTerms: readonly string[];
}

/** A check of one kind: it reports each problem it finds through `say`, in reading order. */
export type Rule = (text: CheckedText, facts: FactIndex, say: (problem: string) => void) => void;

// eslint-disable-next-line no-control-regex -- finding control characters is the point here
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const LINK = /\bhttps?:\/\/|\bwww\.|[\w.+-]+@[\w-]+\.[\w.]+/i;
const HANDLE = /(?:^|\s)@[\w.]+/;
const HASHTAG = /#([\p{L}\p{N}_]+)/gu;
const CAPITALISED = /(?<![\p{L}\p{N}'’-])[\p{Lu}][\p{L}\p{N}'’]*/gu;

/** Plain text has no markup and no controls or bidi formatting characters. */
const markup: Rule = (t, _facts, say) => {
  if (/[<>]/.test(t.text) || INVISIBLE.test(t.text)) say('markup or invisible characters');
};

/** Every number is the item's, a stated price or discount is the offer's, a unit is the facts'. */
const numbers: Rule = (t, facts, say) => {
  const offers = new Set(offerNumbersIn(t.text));
  for (const number of numbersIn(t.text)) {
    if (!facts.numbers.has(number.value)) {
      say(`number "${number.raw}" is not in the item facts`);
    } else if (offers.has(number.value) && !facts.offerNumbers.has(number.value)) {
      say(`"${number.raw}" as a price or discount is not the item's offer`);
    } else if (
      number.unit !== undefined &&
      !facts.numberUnits.has(`${number.value}|${number.unit}`)
    ) {
      say(`"${number.raw}" with unit ${number.unit} is not in the item facts`);
    }
  }
};

/** Numbers in words and material or colour words are the item's. One pass: problems in word order. */
const factWords: Rule = (t, facts, say) => {
  for (const word of t.words) {
    if (NUMBER_WORDS.has(word) && !facts.words.has(word))
      say(`number word "${word}" is not in the item facts`);
    if (ATTRIBUTE_WORDS.has(word) && !facts.words.has(word))
      say(`"${word}" is not an attribute of the item`);
  }
};

/** Only the item's currency, by symbol, word or ISO code. */
const currency: Rule = (t, facts, say) => {
  for (const [symbol, codes] of Object.entries(CURRENCY_SYMBOLS)) {
    if (t.text.includes(symbol) && !codes.includes(facts.currency))
      say(`currency "${symbol}" is not the item's`);
  }
  for (const word of t.words) {
    const codes = CURRENCY_WORDS[word];
    if (codes !== undefined && !codes.includes(facts.currency))
      say(`currency "${word}" is not the item's`);
  }
  for (const match of t.text.matchAll(/\b[A-Z]{3}\b/g)) {
    if (ISO_CURRENCIES.has(match[0]) && match[0] !== facts.currency)
      say(`currency "${match[0]}" is not the item's`);
  }
};

/** A promotional or factual claim only when the structured facts make it. */
const claims: Rule = (t, facts, say) => {
  for (const claim of CLAIMS) {
    const phrase = ` ${claim} `;
    if (t.phrases.includes(phrase) && !facts.structuredText.includes(phrase)) {
      say(`claim "${claim}" is not in the item facts`);
    }
  }
  if (/#1\b/.test(t.text)) say('claim "#1" is not in the item facts');
};

/** Capitals only where the facts have them (`USB`), never for emphasis. */
const shouting: Rule = (t, facts, say) => {
  for (const match of t.text.matchAll(SHOUTING)) {
    if (!facts.capitals.has(match[0])) say(`"${match[0]}" is shouted and not in the item facts`);
  }
};

/** In body text, a capitalised word inside a sentence is a name, and names are the item's. */
const names: Rule = (t, facts, say) => {
  if (t.titleCaseAllowed) return;
  for (const match of t.text.matchAll(CAPITALISED)) {
    const before = t.text.slice(0, match.index ?? 0);
    const sentenceStart = /(^|[.!?…]\s+|\n\s*|["“(]\s*)$/.test(before);
    const known = wordsOf(match[0]).every((word) => word === 'i' || facts.words.has(word));
    if (!sentenceStart && !known) say(`name "${match[0]}" is not in the item facts`);
  }
};

/** The text talks about the product, not about prompts or models. */
const machinery: Rule = (t, facts, say) => {
  for (const phrase of META_PHRASES) {
    // "Prompt Cards" is a product; a prompt mentioned elsewhere is the model talking shop.
    const padded = ` ${phrase} `;
    if (t.phrases.includes(padded) && !facts.structuredText.includes(padded)) {
      say(`"${phrase}" talks about the machinery, not the item`);
    }
  }
};

/** No links or e-mail addresses: nothing to send a shopper elsewhere. */
const links: Rule = (t, _facts, say) => {
  if (LINK.test(t.text)) say('links and e-mail addresses are not allowed');
};

/** No social handles. */
const handles: Rule = (t, _facts, say) => {
  if (HANDLE.test(t.text)) say('handles are not allowed');
};

/** A hashtag spells words of the structured facts. */
const hashtags: Rule = (t, facts, say) => {
  for (const match of t.text.matchAll(HASHTAG)) {
    const tag = (match[1] ?? '').toLowerCase();
    if (!facts.structuredRunTogether.includes(tag))
      say(`hashtag "#${match[1] ?? ''}" is not in the item facts`);
  }
};

/** Nothing that identifies the user, looked for in the text as written. */
const identifiers: Rule = (t, _facts, say) => {
  for (const term of t.forbiddenTerms) {
    if (term.length >= 3 && t.raw.toLowerCase().includes(term.toLowerCase()))
      say('contains an identifier of the user');
  }
};

/** The rules in the order their problems are reported. */
export const RULES: readonly Rule[] = [
  markup,
  numbers,
  factWords,
  currency,
  claims,
  shouting,
  names,
  machinery,
  links,
  handles,
  hashtags,
  identifiers,
];
