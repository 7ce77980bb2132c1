import {
  CF_VECTOR,
  ITEM_VECTOR,
  type PointInput,
  PROFILE_LONG_VECTOR,
  PROFILE_SHORT_VECTOR,
  readItemPayload,
  readProfilePayload,
  type StoredPoint,
} from '@tailor/kit';

import type { ItemFacts, Profile } from './profile.js';

function vectorOf(point: StoredPoint, name: string, dimension: number): Float64Array {
  const stored = point.vectors?.[name];
  return stored !== undefined && stored.length === dimension
    ? Float64Array.from(stored)
    : new Float64Array(dimension);
}

/**
 * A `profiles` point as a profile, its payload read with kit's tolerant profile reader; vectors
 * not asked for (or of another size) read as zero. The profile may share lists and maps with the
 * point's payload: give it a point of your own (`retrieve` returns copies), not a shared search
 * hit, when the profile is to be changed.
 */
export function profileFromPoint(
  point: StoredPoint,
  dimension: number,
  cfDimension?: number,
): Profile {
  const profile: Profile = {
    payload: readProfilePayload(point.payload, point.id),
    long: vectorOf(point, PROFILE_LONG_VECTOR, dimension),
    short: vectorOf(point, PROFILE_SHORT_VECTOR, dimension),
  };
  const cf = point.vectors?.[CF_VECTOR];
  if (cf !== undefined && cf.length === cfDimension) profile.cf = cf;
  return profile;
}

/** The point to upsert into `profiles`: id = userId. */
export function profileToPoint(profile: Profile): PointInput {
  return {
    id: profile.payload.userId,
    vectors: {
      [PROFILE_LONG_VECTOR]: Float32Array.from(profile.long),
      [PROFILE_SHORT_VECTOR]: Float32Array.from(profile.short),
      ...(profile.cf === undefined ? {} : { [CF_VECTOR]: profile.cf }),
    },
    payload: { ...profile.payload },
  };
}

/**
 * The facts of an `items` point. A vector of another size (an embedder changed without
 * re-embedding the catalog) is left out, so the event still counts and moves interests.
 */
export function itemFactsFromPoint(point: StoredPoint, dimension: number): ItemFacts {
  const { category, tags } = readItemPayload(point.payload, point.id);
  const facts: ItemFacts = { category, tags };
  const vector = point.vectors?.[ITEM_VECTOR];
  if (vector !== undefined && vector.length === dimension) facts.vector = vector;
  return facts;
}
