/** Small text helpers shared by the writers, the grounding checker and the thumbnail composer. */
import { fnv1a32CodeUnits } from '@tailor/kit';

/**
 * A stable, fast 32-bit hash (kit's FNV-1a over UTF-16 code units). Phrasing choices hang on
 * it, so the same inputs give the same text on every machine and every run.
 */
export function stableHash(text: string): number {
  return fnv1a32CodeUnits(text);
}

/** One element chosen by `seed`; the list must not be empty. */
export function pick<T>(options: readonly T[], seed: number): T {
  const chosen = options[seed % options.length];
  if (chosen === undefined) throw new RangeError('pick needs at least one option');
  return chosen;
}

/** The options rotated so that the one `seed` picks comes first: "try this, else the next". */
export function rotate<T>(options: readonly T[], seed: number): T[] {
  if (options.length === 0) return [];
  const start = seed % options.length;
  return [...options.slice(start), ...options.slice(0, start)];
}

/** Lowercase, hyphens and underscores as spaces, single spaces: how interests and tags compare. */
export function normalizeTerm(term: string): string {
  return term.toLowerCase().replace(/[-_]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Words as a reader counts them: runs of non-space characters. */
export function wordCount(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}

/** Lowercase word tokens (letters, digits, apostrophes inside words). */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
}

/** Control characters out, whitespace collapsed, trimmed. */
export function cleanText(text: string): string {
  return text
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `a`, `a and b`, `a, b and c`. */
export function listPhrase(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1] ?? ''}`;
}

/** First letter upper case (sentence start); the rest untouched. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The longest prefix of `text` of whole words that fits in `maxChars` (with `…` when cut).
 * A single over-long word is cut hard.
 */
export function shortenToChars(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const words = text.split(/\s+/);
  let kept = '';
  for (const word of words) {
    const next = kept === '' ? word : `${kept} ${word}`;
    if (next.length + 1 > maxChars) break;
    kept = next;
  }
  if (kept === '') return `${text.slice(0, Math.max(0, maxChars - 1))}…`;
  return `${kept.replace(/[\s,;:.-]+$/, '')}…`;
}
