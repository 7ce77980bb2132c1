import { BadUserInputError, EVENT_LIMITS } from '@tailor/kit';

import { SUMMARY_LIMITS } from '../domain/summary.js';

/** Defaults of the list arguments, as the schema shows them. */
export const LIST_DEFAULTS = Object.freeze({ topCategories: 5, topTags: 10, recentItems: 10 });

/** A user id as events carry it: 1 to 128 characters. */
export function checkUserId(value: string, argument: string): string {
  if (value.length === 0 || value.length > EVENT_LIMITS.idMaxLength) {
    throw new BadUserInputError(
      `${argument} must be 1 to ${EVENT_LIMITS.idMaxLength} characters, got ${value.length}`,
      argument,
    );
  }
  return value;
}

/** A list length from 1 to {@link SUMMARY_LIMITS.maxFirst}; null means the default. */
export function checkFirst(value: number | null | undefined, fallback: number): number {
  const first = value ?? fallback;
  if (!Number.isInteger(first) || first < 1 || first > SUMMARY_LIMITS.maxFirst) {
    throw new BadUserInputError(
      `first must be from 1 to ${SUMMARY_LIMITS.maxFirst}, got ${first}`,
      'first',
    );
  }
  return first;
}
