import { createHash } from 'node:crypto';

import type { Angle } from './angles.js';

/**
 * What a creative is made for: a description, one ad format, or a thumbnail. A thumbnail's
 * size is not part of it: the same card at two sizes is one creative, so its stats add up.
 */
export type CreativeFormat = 'DESCRIPTION' | 'THUMBNAIL' | `AD_${string}`;

/** The parts a creative id is made of. */
export interface CreativeKey {
  itemId: string;
  angle: Angle;
  format: CreativeFormat;
  /** The writer's prompt (or template) version: new phrasings are a new creative. */
  promptVersion: string;
}

/** Bumped only if the layout of the hashed text below ever changes. */
const CREATIVE_ID_SCHEME = 'c1';

/**
 * A stable id for one creative: the same item, angle, format and prompt version give the same
 * id on every replica and every run, so impressions and rewards logged anywhere add up to one
 * creative's stats. The user is not part of it: a variant is an angle on an item, written for
 * each user's interests, and its stats are the angle's on that item across users. The item's
 * version is not part of it either, so a price change does not restart the stats.
 *
 * 80 bits of SHA-256 (20 hex digits): collisions are out of reach for any catalog (about 10^12
 * creatives before one is likely), and the id stays short enough for an event's context map.
 */
export function creativeId(key: CreativeKey): string {
  const text = [CREATIVE_ID_SCHEME, key.itemId, key.angle, key.format, key.promptVersion].join(
    '\u0000',
  );
  return `cr_${createHash('sha256').update(text).digest('hex').slice(0, 20)}`;
}

/** The creative format of an ad format (`BANNER` → `AD_BANNER`). */
export function adCreativeFormat(format: string): CreativeFormat {
  return `AD_${format}`;
}
