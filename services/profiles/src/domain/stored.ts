import {
  CF_VECTOR,
  EVENT_TYPES,
  type EventType,
  ITEM_VECTOR,
  type ItemAffinity,
  type PointInput,
  PROFILE_LONG_VECTOR,
  PROFILE_SHORT_VECTOR,
  readItemPayload,
  type StoredPoint,
} from '@tailor/kit';

import { emptyProfile, type ItemFacts, type Profile, type StoredInteraction } from './profile.js';

/*
 * Stored points are read field by field rather than trusted: a point written by an older
 * version, or edited by hand, degrades to defaults instead of failing every batch for that user.
 */

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);
const DECIMAL = /^\d+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

/*
 * A list or map that is valid as stored is taken as it is, not rebuilt: the point is the
 * caller's own copy (see profileFromPoint), and rebuilding every profile's maps on every read
 * was a good part of what the updater allocated.
 */

function strings(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const all = value.every((v) => typeof v === 'string');
  return all ? (value as string[]) : value.filter((v): v is string => typeof v === 'string');
}

function numbers(
  value: unknown,
  accept: (n: number, key: string) => boolean,
): Record<string, number> {
  if (!isRecord(value)) return {};
  const valid = (key: string, n: unknown): n is number =>
    typeof n === 'number' && Number.isFinite(n) && accept(n, key);
  let all = true;
  for (const key in value) {
    if (!valid(key, value[key])) {
      all = false;
      break;
    }
  }
  if (all && Object.getPrototypeOf(value) === Object.prototype) {
    return value as Record<string, number>;
  }
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, number] => valid(...entry)),
  );
}

function interactions(value: unknown): StoredInteraction[] {
  if (!Array.isArray(value)) return [];
  const out: StoredInteraction[] = [];
  for (const entry of value) {
    if (!isRecord(entry)) continue;
    const { itemId, type, at, value: amount } = entry;
    if (typeof itemId !== 'string' || typeof type !== 'string' || !EVENT_TYPE_SET.has(type))
      continue;
    if (typeof at !== 'number' || !Number.isFinite(at)) continue;
    const interaction: StoredInteraction = { itemId, type: type as EventType, at };
    if (typeof amount === 'number' && Number.isFinite(amount)) interaction.value = amount;
    out.push(interaction);
  }
  return out;
}

function affinities(value: unknown): ItemAffinity[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry): ItemAffinity[] => {
    if (!isRecord(entry)) return [];
    const { itemId, weight, at } = entry;
    return typeof itemId === 'string' &&
      typeof weight === 'number' &&
      Number.isFinite(weight) &&
      typeof at === 'number' &&
      Number.isFinite(at)
      ? [{ itemId, weight, at }]
      : [];
  });
}

function vectorOf(point: StoredPoint, name: string, dimension: number): Float64Array {
  const stored = point.vectors?.[name];
  return stored !== undefined && stored.length === dimension
    ? Float64Array.from(stored)
    : new Float64Array(dimension);
}

/**
 * A `profiles` point as a profile; vectors not asked for (or of another size) read as zero.
 * The profile may share lists and maps with the point's payload: give it a point of your own
 * (`retrieve` returns copies), not a shared search hit, when the profile is to be changed.
 */
export function profileFromPoint(
  point: StoredPoint,
  dimension: number,
  cfDimension?: number,
): Profile {
  const p = point.payload;
  const userId = typeof p.userId === 'string' ? p.userId : point.id;
  const profile = emptyProfile(userId, dimension);
  const offsets = isRecord(p.offsets) ? p.offsets : {};
  profile.payload = {
    userId,
    eventCount: count(p.eventCount),
    impressionCount: count(p.impressionCount),
    positiveEventCount: count(p.positiveEventCount),
    countsByType: numbers(
      p.countsByType,
      (n, type) => Number.isInteger(n) && n > 0 && EVENT_TYPE_SET.has(type),
    ),
    updatedAt: typeof p.updatedAt === 'number' && Number.isFinite(p.updatedAt) ? p.updatedAt : 0,
    categories: numbers(p.categories, (n) => n > 0),
    tags: numbers(p.tags, (n) => n > 0),
    recentItems: interactions(p.recentItems),
    affinities: affinities(p.affinities),
    seenItemIds: strings(p.seenItemIds),
    recentEventIds: strings(p.recentEventIds),
    offsets: Object.fromEntries(
      Object.entries(offsets).filter(
        (entry): entry is [string, string] =>
          DECIMAL.test(entry[0]) && typeof entry[1] === 'string' && DECIMAL.test(entry[1]),
      ),
    ),
    ...(typeof p.cfModelVersion === 'string' ? { cfModelVersion: p.cfModelVersion } : {}),
  };
  profile.long = vectorOf(point, PROFILE_LONG_VECTOR, dimension);
  const cf = point.vectors?.[CF_VECTOR];
  if (cf !== undefined && cf.length === cfDimension) profile.cf = cf;
  profile.short = vectorOf(point, PROFILE_SHORT_VECTOR, dimension);
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
