import {
  CF_VECTOR,
  isZero,
  PROFILE_LONG_VECTOR,
  PROFILE_SHORT_VECTOR,
  type ProfilePayload,
  readProfilePayload,
  type RecentInteraction,
  type StoredPoint,
  strongestFirst,
} from '@tailor/kit';

import { blendQueryVector } from './query-vector.js';

/** How many of the user's strongest tags reasons compare picks with. */
export const TOP_TAGS_FOR_REASONS = 10;
/** How many of the newest interactions reasons look through for "Because you …". */
export const RECENT_FOR_REASONS = 20;

/**
 * The payload keys {@link readProfile} reads: a list asks for these only, not for the whole
 * profile (its category weights and counts are the profile subgraph's, not the recommender's).
 */
export const PROFILE_READ_KEYS = [
  'positiveEventCount',
  'recentItems',
  'cfModelVersion',
  'seenItemIds',
  'tags',
  'offsets',
] as const satisfies readonly (keyof ProfilePayload)[];

/** A remembered interaction; `value` is read when the profile keeps it (a rating's stars). */
export type Interaction = RecentInteraction & { value?: number };

/** What the recommender reads from a user's stored profile. */
export interface ProfileView {
  /**
   * True without a profile, without a positive event, or with neither a content direction nor
   * a folded-in collaborative vector.
   */
  coldStart: boolean;
  /** The blended query vector; null on cold start. */
  queryVector: Float32Array | null;
  /**
   * The user's collaborative factors and the model version they were folded in against; null
   * on cold start or before the profiles service folded the user in.
   */
  collaborative: { vector: Float32Array; modelVersion: string } | null;
  /** Items never to recommend again. */
  seenItemIds: string[];
  /** Newest first, at most {@link RECENT_FOR_REASONS}. */
  recent: Interaction[];
  /** Strongest first, at most {@link TOP_TAGS_FOR_REASONS}. */
  topTags: string[];
  /**
   * The log offset of the last event the profile holds, per partition (decimal strings, as the
   * profiles service stamps them); empty without a profile.
   */
  offsets: Readonly<Record<string, string>>;
  /**
   * The model version the profile's collaborative factors were folded against when it has
   * positive events, null if never folded; undefined when it has none (no re-fold changes it).
   */
  foldedFor: string | null | undefined;
}

/** The keys with positive weight, strongest first (ties by name), at most `limit`. */
export function topKeys(weights: Record<string, number> | undefined, limit: number): string[] {
  const positive = Object.entries(weights ?? {}).filter(
    ([, weight]) => typeof weight === 'number' && weight > 0,
  );
  return strongestFirst(positive, limit).map(([key]) => key);
}

/**
 * Reads a `profiles` point (or its absence) with kit's tolerant profile reader. The profiles
 * service writes it; fields it may not have written yet are read as empty rather than trusted,
 * so a partial profile degrades to cold start instead of failing the request.
 */
export function readProfile(point: StoredPoint | undefined, shortTermWeight: number): ProfileView {
  if (point === undefined) {
    return {
      coldStart: true,
      queryVector: null,
      collaborative: null,
      seenItemIds: [],
      recent: [],
      topTags: [],
      offsets: {},
      foldedFor: undefined,
    };
  }
  const payload = readProfilePayload(point.payload, point.id);
  const queryVector = blendQueryVector(
    point.vectors?.[PROFILE_LONG_VECTOR],
    point.vectors?.[PROFILE_SHORT_VECTOR],
    shortTermWeight,
  );
  // What the user likes, not what they did: a profile of dislikes alone gives nothing to aim at.
  const positive = payload.positiveEventCount > 0;
  const cf = point.vectors?.[CF_VECTOR];
  const cfVersion = payload.cfModelVersion;
  const collaborative =
    positive && cf !== undefined && cfVersion !== undefined && !isZero(cf)
      ? { vector: cf, modelVersion: cfVersion }
      : null;
  const content = positive ? queryVector : null;
  return {
    coldStart: content === null && collaborative === null,
    queryVector: content,
    collaborative,
    seenItemIds: payload.seenItemIds,
    recent: payload.recentItems.slice(0, RECENT_FOR_REASONS),
    topTags: topKeys(payload.tags, TOP_TAGS_FOR_REASONS),
    offsets: payload.offsets,
    foldedFor: positive ? (cfVersion ?? null) : undefined,
  };
}
