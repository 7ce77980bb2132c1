import {
  AD_LIMITS,
  type AdCopy,
  type AdFormat,
  DESCRIPTION_WORDS,
  type DescriptionCopy,
} from '../copy.js';
import type { ItemFacts } from '../facts.js';
import { wordCount, wordsOf } from '../text.js';
import { type FactIndex, factIndex } from './fact-index.js';
import { type CheckedText, RULES } from './rules.js';

/** The verdict on one generated text: grounded only when `problems` is empty. */
export interface GroundingResult {
  grounded: boolean;
  /** Each names the field and what is wrong, e.g. `body: number "30" is not in the item facts`. */
  problems: string[];
}

/** Options of the checks. */
export interface GroundingOptions {
  /**
   * Strings that must never appear in a text (the user id the request was for): a writer that
   * never sees them cannot print them, and this makes sure of it.
   */
  forbiddenTerms?: readonly string[];
  /**
   * Titles of items the user acted on (their own history, from the interest summary). A text
   * may quote them to say what the user likes; they say nothing about this item, so they are
   * taken out before the facts are checked.
   */
  historyTitles?: readonly string[];
}

/** How strictly capitalised words are read: headlines and calls to action may be in title case. */
interface TextRules {
  field: string;
  titleCaseAllowed: boolean;
}

/** Every rule's problems with one text, each prefixed with the text's field. */
function checkText(
  raw: string,
  index: FactIndex,
  rules: TextRules,
  options: GroundingOptions,
): string[] {
  const text = withoutTitles(raw, options.historyTitles ?? []);
  const words = wordsOf(text);
  const checked: CheckedText = {
    raw,
    text,
    words,
    phrases: ` ${words.join(' ')} `,
    titleCaseAllowed: rules.titleCaseAllowed,
    forbiddenTerms: options.forbiddenTerms ?? [],
  };
  const problems: string[] = [];
  const say = (problem: string) => problems.push(`${rules.field}: ${problem}`);
  for (const rule of RULES) rule(checked, index, say);
  return problems;
}

/** The text with each quoted title of the user's history replaced by a neutral word. */
function withoutTitles(text: string, titles: readonly string[]): string {
  let rest = text;
  for (const title of titles) {
    if (title.trim().length < 3) continue;
    rest = rest.split(title).join('it');
  }
  return rest;
}

function lengthOf(text: string): number {
  return [...text].length;
}

/**
 * The problems of a free piece of text (no length bounds): what the template writer uses to
 * decide whether a sentence of the merchant's description may be quoted.
 */
export function fragmentProblems(text: string, facts: ItemFacts): string[] {
  return checkText(text, factIndex(facts), { field: 'fragment', titleCaseAllowed: false }, {});
}

/** Checks a description: grounded in the facts and 30–90 words long. */
export function checkDescription(
  copy: DescriptionCopy,
  facts: ItemFacts,
  options: GroundingOptions = {},
): GroundingResult {
  const problems = checkText(
    copy.text,
    factIndex(facts),
    { field: 'text', titleCaseAllowed: false },
    options,
  );
  const words = wordCount(copy.text);
  if (words < DESCRIPTION_WORDS.min || words > DESCRIPTION_WORDS.max) {
    problems.push(
      `text: ${words} words, expected ${DESCRIPTION_WORDS.min} to ${DESCRIPTION_WORDS.max}`,
    );
  }
  return { grounded: problems.length === 0, problems };
}

/** Checks an ad: every part grounded in the facts and within the format's length bounds. */
export function checkAd(
  copy: AdCopy,
  format: AdFormat,
  facts: ItemFacts,
  options: GroundingOptions = {},
): GroundingResult {
  const index = factIndex(facts);
  const limits = AD_LIMITS[format];
  const problems = [
    ...checkText(copy.headline, index, { field: 'headline', titleCaseAllowed: true }, options),
    ...checkText(copy.body, index, { field: 'body', titleCaseAllowed: false }, options),
    ...checkText(
      copy.callToAction,
      index,
      { field: 'callToAction', titleCaseAllowed: true },
      options,
    ),
  ];
  const parts: [string, string, number][] = [
    ['headline', copy.headline, limits.headlineChars],
    ['body', copy.body, limits.bodyChars],
    ['callToAction', copy.callToAction, limits.callToActionChars],
  ];
  for (const [field, text, max] of parts) {
    const length = lengthOf(text.trim());
    if (length === 0) problems.push(`${field}: empty`);
    else if (length > max)
      problems.push(`${field}: ${length} characters, at most ${max} allowed for ${format}`);
  }
  return { grounded: problems.length === 0, problems };
}
