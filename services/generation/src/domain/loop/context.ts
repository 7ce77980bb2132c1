/** What the bandit knows of the moment a variant is shown. */
export interface ChoiceContext {
  /** Where the variant is shown (`home`, `email`, …); absent when the caller does not say. */
  surface?: string | undefined;
  /** The user's strongest category, from their interest summary; absent without a profile. */
  topCategory?: string | undefined;
}

/** Longest part of a bucket name: longer names are cut, so no caller can grow keys unbounded. */
export const MAX_BUCKET_PART_CHARS = 64;

function part(value: string | undefined, absent: string): string {
  // The separator cannot appear inside a part, so two contexts never share a bucket name.
  const normalized = (value ?? '').toLowerCase().replace(/\|/g, '/').replace(/\s+/g, ' ').trim();
  return normalized === '' ? absent : normalized.slice(0, MAX_BUCKET_PART_CHARS);
}

/**
 * The context bucket of a choice: surface and top category. Coarse on purpose: each bucket
 * needs enough impressions for its posteriors to mean something, and these two are what
 * plausibly changes which angle works (a shopper on an e-mail reads differently from one
 * scrolling a feed; a camper and a cook respond to different pitches).
 */
export function contextBucket(context: ChoiceContext): string {
  return `${part(context.surface, 'any')}|${part(context.topCategory, 'none')}`;
}

/** The surface part of a choice's bucket (`format|surface|category`); `any` when it has none. */
export function surfaceOfBucket(bucket: string): string {
  return bucket.split('|')[1] ?? 'any';
}
