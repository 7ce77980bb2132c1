import { BadUserInputError, checkId, clientErrors } from '@tailor/kit';

import { thumbnailSizeProblems } from '../domain/thumbnail.js';

/**
 * A user id argument, checked at the edge against the event contract's id bound (kit's
 * `checkId`): a longer id cannot have come in through an event, so it names no profile.
 */
export function checkedUserId(userId: string, field = 'userId'): string {
  const trimmed = String(userId).trim();
  return clientErrors(() => checkId(trimmed, field));
}

/** Thumbnail size arguments: BAD_USER_INPUT naming the first bad one. */
export function checkThumbnailSize(width: number, height: number): void {
  const [problem] = thumbnailSizeProblems(width, height);
  if (problem !== undefined) throw new BadUserInputError(`${problem.message}.`, problem.field);
}
