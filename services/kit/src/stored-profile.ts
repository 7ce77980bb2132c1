import type { ItemAffinity, ProfilePayload, RecentInteraction } from './collections.js';
import { EVENT_TYPES, type EventType } from './contract/user-event.js';
import type { Payload } from './ports/vector-store.js';

/** One remembered interaction as a profile is read: its type is one of the contract's. */
export interface StoredInteraction extends RecentInteraction {
  type: EventType;
}

/** A `profiles` payload as {@link readProfilePayload} gives it: every list there, typed. */
export interface StoredProfilePayload extends ProfilePayload {
  recentItems: StoredInteraction[];
  affinities: ItemAffinity[];
}

/*
 * Hand-checked rather than parsed with zod, unlike the item reader: a zod parse rebuilds every
 * list and map it checks, and the profiles updater reads a stored profile (up to a thousand seen
 * ids, five hundred event ids and affinities) for every user of a batch it does not hold in
 * memory. A list or map that is valid as stored is taken as it is: the payload is the caller's
 * own copy (`retrieve` returns copies), and rebuilding each was a good part of what the updater
 * allocated (issue 14).
 */

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);
const DECIMAL = /^\d+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

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

/**
 * Reads a `profiles` payload; never fails. Each field is read on its own, so a point written by
 * an older version, edited by hand or asked for a few keys only degrades field by field to
 * neutral values (zero counts, empty lists and maps) instead of failing or being skipped:
 * counts are whole and not negative, interest weights positive, interactions of the contract's
 * types, offsets decimal. `pointId` stands in for a missing `userId` (the point id is the user
 * id). The result may share lists and maps with `payload`; the writer's revision is not read.
 */
export function readProfilePayload(payload: Payload, pointId = ''): StoredProfilePayload {
  const p = payload;
  const offsets = isRecord(p.offsets) ? p.offsets : {};
  return {
    userId: typeof p.userId === 'string' ? p.userId : pointId,
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
}
