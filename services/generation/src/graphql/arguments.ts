import { BadUserInputError } from '@tailor/kit';

import { thumbnailSizeProblems } from '../domain/thumbnail.js';

/** Longest user id accepted; ids are opaque but bounded. */
export const MAX_USER_ID_CHARS = 256;

/** A user id argument, checked at the edge. */
export function checkedUserId(userId: string, field = 'userId'): string {
  const trimmed = String(userId).trim();
  if (trimmed === '' || trimmed.length > MAX_USER_ID_CHARS) {
    throw new BadUserInputError(`${field} must be 1 to ${MAX_USER_ID_CHARS} characters.`, field);
  }
  return trimmed;
}

/** Thumbnail size arguments: BAD_USER_INPUT naming the first bad one. */
export function checkThumbnailSize(width: number, height: number): void {
  const [problem] = thumbnailSizeProblems(width, height);
  if (problem !== undefined) throw new BadUserInputError(`${problem.message}.`, problem.field);
}
