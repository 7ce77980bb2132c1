import { checkFirst, checkId, clientErrors } from '@tailor/kit';

import { SUMMARY_LIMITS } from '../domain/summary.js';

/** Defaults of the list arguments, as the schema shows them. */
export const LIST_DEFAULTS = Object.freeze({ topCategories: 5, topTags: 10, recentItems: 10 });

/** A user id argument as events carry it (kit's id bound); BAD_USER_INPUT naming `argument`. */
export function userIdArgument(value: string, argument: string): string {
  return clientErrors(() => checkId(value, argument));
}

/** A list's `first`, null meaning `fallback`, from 1 to {@link SUMMARY_LIMITS.maxFirst}. */
export function listLength(first: number | null | undefined, fallback: number): number {
  return clientErrors(() => checkFirst(first ?? fallback, SUMMARY_LIMITS.maxFirst));
}
