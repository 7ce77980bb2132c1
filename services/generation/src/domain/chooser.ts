import { type Connection, connectionsFor } from './connection.js';
import type { AdCopy, AdFormat, DescriptionCopy } from './copy.js';
import type { ItemFacts } from './facts.js';
import { checkAd, checkDescription, type GroundingResult } from './grounding/check.js';
import { type InterestSummary, rankedInterests } from './interests.js';
import type { Angle } from './loop/angles.js';
import { templateAd, templateDescription } from './template.js';
import { wordsOf } from './text.js';

/**
 * Generate, then choose: the template writes a few candidates (each honest connection to the
 * user, each in a few phrasings), every candidate is checked against the item's facts, and the
 * grounded one that says most about this user's interests is served.
 */

/** Phrasings tried per connection. */
export const TEMPLATE_VARIANTS = 2;

/** A served text with the interest it was written around. */
export interface Chosen<T> {
  copy: T;
  /** The user's interest the copy names and is built on; null when it names none. */
  interest: string | null;
  verdict: GroundingResult;
}

/** Titles of the user's own items that a text may quote (see `historyTitles` of the checks). */
export function historyTitles(summary: InterestSummary): string[] {
  const titles = rankedInterests(summary).flatMap((i) => i.evidence);
  return [...new Set([...titles, ...summary.recentlyLiked])];
}

function phraseIn(words: string, phrase: string): boolean {
  const wanted = wordsOf(phrase).join(' ');
  return wanted !== '' && ` ${words} `.includes(` ${wanted} `);
}

/**
 * How much a text says about this user: each of their ranked interests it names, by strength,
 * and each title of their own history it quotes.
 */
export function personalScore(text: string, summary: InterestSummary): number {
  const words = wordsOf(text).join(' ');
  let score = 0;
  for (const interest of rankedInterests(summary)) {
    if (phraseIn(words, interest.name)) score += 1 + interest.longTerm + interest.shortTerm;
    for (const title of interest.evidence) if (phraseIn(words, title)) score += 0.5;
  }
  return score;
}

/**
 * The user's interest a text is built on: the strongest ranked interest it names, or null.
 * Works for any writer's text, so a model's answer is labelled the same way.
 */
export function interestUsed(text: string, summary: InterestSummary): string | null {
  const words = wordsOf(text).join(' ');
  return rankedInterests(summary).find((i) => phraseIn(words, i.name))?.name ?? null;
}

/** The text of an ad as one string, for scoring. */
export function adText(copy: AdCopy): string {
  return `${copy.headline}. ${copy.body} ${copy.callToAction}`;
}

function choose<T>(
  candidates: readonly { copy: T; connection: Connection | undefined }[],
  check: (copy: T) => GroundingResult,
  text: (copy: T) => string,
  summary: InterestSummary,
): Chosen<T> {
  let best: (Chosen<T> & { score: number }) | undefined;
  for (const { copy, connection } of candidates) {
    const verdict = check(copy);
    const score = (verdict.grounded ? 1_000 : 0) + personalScore(text(copy), summary);
    if (best === undefined || score > best.score) {
      const named =
        connection !== undefined &&
        phraseIn(wordsOf(text(copy)).join(' '), connection.interest.name);
      best = {
        copy,
        interest: named ? connection.interest.name : interestUsed(text(copy), summary),
        verdict,
        score,
      };
    }
  }
  if (best === undefined) throw new RangeError('choose needs at least one candidate');
  return { copy: best.copy, interest: best.interest, verdict: best.verdict };
}

function choices(
  facts: ItemFacts,
  summary: InterestSummary,
  angle: Angle,
): { connection: Connection | undefined; variant: number; angle: Angle }[] {
  const connections: (Connection | undefined)[] = connectionsFor(facts, summary);
  if (connections.length === 0) connections.push(undefined);
  return connections.flatMap((connection) =>
    Array.from({ length: TEMPLATE_VARIANTS }, (_, variant) => ({ connection, variant, angle })),
  );
}

/** The best grounded template description for this user, led by `angle`. */
export function chooseDescription(
  facts: ItemFacts,
  summary: InterestSummary,
  forbiddenTerms: readonly string[] = [],
  angle: Angle = 'interest',
): Chosen<DescriptionCopy> {
  const options = { forbiddenTerms, historyTitles: historyTitles(summary) };
  return choose(
    choices(facts, summary, angle).map((choice) => ({
      copy: templateDescription(facts, summary, choice),
      connection: choice.connection,
    })),
    (copy) => checkDescription(copy, facts, options),
    (copy) => copy.text,
    summary,
  );
}

/** The best grounded template ad in one format for this user, led by `angle`. */
export function chooseAd(
  facts: ItemFacts,
  summary: InterestSummary,
  format: AdFormat,
  forbiddenTerms: readonly string[] = [],
  angle: Angle = 'interest',
): Chosen<AdCopy> {
  const options = { forbiddenTerms, historyTitles: historyTitles(summary) };
  return choose(
    choices(facts, summary, angle).map((choice) => ({
      copy: templateAd(facts, summary, format, choice),
      connection: choice.connection,
    })),
    (copy) => checkAd(copy, format, facts, options),
    adText,
    summary,
  );
}
