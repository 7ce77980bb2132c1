import {
  type EventType,
  eventWeight,
  type EventWeights,
  isVariantChoice,
  isZero,
  type RecentTaste,
  scaleInPlace,
  type StoredInteraction,
  type StoredProfilePayload,
  strongestFirst,
  unit,
  type UserEvent,
} from '@tailor/kit';

import { decayFactor } from './decay.js';

/** Every bound a stored profile keeps, so a profile's size does not grow with its history. */
export const PROFILE_LIMITS = Object.freeze({
  /** Newest interactions kept for display and for the recommender's reasons. */
  recentItems: 50,
  /** Items recommendations exclude; the newest are kept. */
  seenItemIds: 1_000,
  /** Items whose summed weight the profile keeps to fold the `cf` vector in from. */
  affinities: 500,
  /** Ids of the newest events applied, checked so a resent event counts once. */
  recentEventIds: 500,
  /** Strongest categories kept. */
  categories: 50,
  /** Strongest tags kept. */
  tags: 200,
  /** Interest weights at or below this are dropped: they no longer say anything. */
  minInterestWeight: 1e-6,
});

/** The payload of a `profiles` point as this service writes it and kit's reader reads it. */
export type StoredProfile = StoredProfilePayload;
export type { StoredInteraction };

/** A profile as the domain works on it: payload and both vectors, in doubles. */
export interface Profile {
  payload: StoredProfile;
  /** Long-term taste: decayed with the long half-life. */
  long: Float64Array;
  /** The current session: decayed with the short half-life. */
  short: Float64Array;
  /** The user's collaborative factors, folded in against `payload.cfModelVersion`. */
  cf?: Float32Array;
}

/** What the profile needs to know about the item an event is about. */
export interface ItemFacts {
  category: string;
  tags: readonly string[];
  /**
   * Per tag, how much it says about taste, in (0, 1] (see `tagSpecificity`); a tag absent here
   * counts fully. Interests in a tag grow by the event's weight times this.
   */
  tagSpecificity?: ReadonlyMap<string, number>;
  /**
   * The item's content vector, with the profile's dimension. Absent when the item has none
   * usable: the event then moves interests but not vectors. Not changed once given: its
   * direction is remembered per vector object.
   */
  vector?: ArrayLike<number>;
}

/** One event as the log delivered it, with the facts of its item when the catalog knows it. */
export interface ProfileEvent {
  event: UserEvent;
  partition: number;
  /** Decimal string, as the bus gives it. */
  offset: string;
  /** Absent for events without an item and for items the catalog does not (yet) know. */
  item?: ItemFacts;
}

/** How events move a profile. */
export interface ProfileSettings {
  /** Length of item and profile vectors. */
  dimension: number;
  /** Length of the collaborative `cf` vectors. */
  cfDimension: number;
  longHalfLifeMs: number;
  shortHalfLifeMs: number;
  weights: EventWeights;
  /** How much the newest affinities weigh again in the `cf` vector (see `tasteVector`). */
  recentTaste: RecentTaste;
}

/** What became of one event. */
export type EventOutcome =
  | {
      eventId: string;
      status: 'applied';
      type: EventType;
      weight: number;
      /** The event names an item the catalog does not know: counted, but nothing moved. */
      unknownItem: boolean;
    }
  | {
      eventId: string;
      /** `duplicate`: its eventId was applied before; `replayed`: its offset was. */
      status: 'duplicate' | 'replayed';
    };

export interface ApplyResult {
  profile: Profile;
  /** One per event, in the order given. */
  outcomes: EventOutcome[];
  /** False when every event was skipped: nothing needs writing. */
  changed: boolean;
}

/** A profile with no history. */
export function emptyProfile(userId: string, dimension: number): Profile {
  return {
    payload: {
      userId,
      eventCount: 0,
      impressionCount: 0,
      positiveEventCount: 0,
      countsByType: {},
      updatedAt: 0,
      categories: {},
      tags: {},
      recentItems: [],
      affinities: [],
      seenItemIds: [],
      recentEventIds: [],
      offsets: {},
    },
    long: new Float64Array(dimension),
    short: new Float64Array(dimension),
  };
}

function cloneProfile(profile: Profile): Profile {
  const p = profile.payload;
  return {
    payload: {
      ...p,
      countsByType: { ...p.countsByType },
      categories: { ...p.categories },
      tags: { ...p.tags },
      recentItems: [...p.recentItems],
      affinities: p.affinities.map((a) => ({ ...a })),
      seenItemIds: [...p.seenItemIds],
      recentEventIds: [...p.recentEventIds],
      offsets: { ...p.offsets },
    },
    long: Float64Array.from(profile.long),
    short: Float64Array.from(profile.short),
    ...(profile.cf === undefined ? {} : { cf: profile.cf }),
  };
}

/**
 * What is left after a user asks to be forgotten: every personal field empty and both vectors
 * zero, but the log offsets kept, so events from before the request that the bus delivers
 * again are not re-applied. Later events build a fresh profile on top.
 */
export function forgetProfile(
  profile: Profile | undefined,
  userId: string,
  dimension: number,
): Profile {
  const tombstone = emptyProfile(userId, dimension);
  if (profile !== undefined) tombstone.payload.offsets = { ...profile.payload.offsets };
  return tombstone;
}

/** True when the profile holds anything learnt from the user (a tombstone holds nothing). */
export function holdsPersonalData(profile: Profile): boolean {
  const p = profile.payload;
  return (
    p.updatedAt > 0 ||
    p.eventCount > 0 ||
    p.impressionCount > 0 ||
    p.positiveEventCount > 0 ||
    Object.keys(p.countsByType).length > 0 ||
    Object.keys(p.categories).length > 0 ||
    Object.keys(p.tags).length > 0 ||
    p.recentItems.length > 0 ||
    p.affinities.length > 0 ||
    profile.cf !== undefined ||
    p.seenItemIds.length > 0 ||
    p.recentEventIds.length > 0 ||
    !isZero(profile.long) ||
    !isZero(profile.short)
  );
}

function offsetValue(offset: string): bigint {
  if (!/^\d+$/.test(offset)) throw new RangeError(`offset must be a decimal string, got ${offset}`);
  return BigInt(offset);
}

/** Records already made {@link dictionaryRecord}s, so each is converted once. */
const dictionaries = new WeakSet<Record<string, number>>();

/**
 * The record, or a copy of it, in V8's dictionary mode (a hash table). Records keyed by tags,
 * categories and event types gain keys in each user's own order, and an ordinary object takes
 * a new hidden class for each key it gains in a new order: with thousands of users that was
 * about a fifth of applying events (the class transitions and their garbage). Deleting a
 * property that is not the last one added turns an object into a dictionary for good, and the
 * copy is still a plain object (same prototype, keys in the same order, same JSON).
 */
function dictionaryRecord(record: Record<string, number>): Record<string, number> {
  if (dictionaries.has(record)) return record;
  const out: Record<string, number> = {};
  out['\u0000a'] = 0;
  out['\u0000b'] = 0;
  delete out['\u0000a'];
  delete out['\u0000b'];
  for (const name of Object.keys(record)) setOwn(out, name, record[name]!);
  dictionaries.add(out);
  return out;
}

/** Below this, the held weights of {@link Interests} are re-based before dividing by it. */
const MIN_INTEREST_SCALE = 1e-150;

/** Sets an own key, `__proto__` included (assigning that one would set the prototype). */
function setOwn(record: Record<string, number>, name: string, value: number): void {
  if (name === '__proto__') {
    Object.defineProperty(record, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else record[name] = value;
}

/**
 * Weights by name, decayed lazily: every held weight is multiplied by `scale`, so moving the
 * reference time forward is one multiplication, not a write per name (with the 250 a profile
 * may hold, that was most of applying an event). It works on the profile's own record, which
 * it is given to change: copying the weights into a Map and back on every batch was a tenth of
 * the updater's time. Tags are user-facing strings, so only own keys count (`constructor` and
 * `__proto__` are valid tags). A weight that decays to the threshold is dropped when the
 * weights are read out (`strongest`), not at the event that took it there.
 */
class Interests {
  private scale = 1;
  /** How many weights are held; counted only when the weights are read out. */
  private size = -1;

  constructor(private readonly held: Record<string, number>) {}

  decay(factor: number): void {
    this.scale *= factor;
    if (this.scale < MIN_INTEREST_SCALE) this.rebase();
  }

  /** Adds a signed amount; the floor is 0, and what falls to the threshold is dropped. */
  add(name: string, amount: number): void {
    if (name === '') return;
    const own = Object.hasOwn(this.held, name);
    const next = (own ? this.held[name]! : 0) * this.scale + amount;
    if (next <= PROFILE_LIMITS.minInterestWeight) {
      if (own) delete this.held[name];
    } else if (own) this.held[name] = next / this.scale;
    else setOwn(this.held, name, next / this.scale);
    this.size = -1;
  }

  /** The strongest `limit` weights (ties by name, so the cut is deterministic). */
  strongest(limit: number): Record<string, number> {
    this.rebase();
    if (this.size < 0) this.size = Object.keys(this.held).length;
    // Nothing is cut when all fit, and readers rank by weight themselves: sorting every user's
    // interests on every batch was 6% of the updater's time.
    if (this.size <= limit) return this.held;
    const out: Record<string, number> = {};
    for (const [name, weight] of strongestFirst(Object.entries(this.held), limit))
      setOwn(out, name, weight);
    return dictionaryRecord(out);
  }

  /** Folds the scale into the held weights, dropping those at or below the threshold. */
  private rebase(): void {
    if (this.scale === 1) return;
    let size = 0;
    for (const name of Object.keys(this.held)) {
      const next = this.held[name]! * this.scale;
      if (next <= PROFILE_LIMITS.minInterestWeight) delete this.held[name];
      else {
        this.held[name] = next;
        size += 1;
      }
    }
    this.size = size;
    this.scale = 1;
  }
}

/** Newest first; an equal time goes before what was applied earlier. */
function rememberInteraction(payload: StoredProfile, interaction: StoredInteraction): void {
  const items = payload.recentItems;
  let index = items.findIndex((existing) => existing.at <= interaction.at);
  if (index < 0) index = items.length;
  if (index >= PROFILE_LIMITS.recentItems) return;
  items.splice(index, 0, interaction);
  if (items.length > PROFILE_LIMITS.recentItems) items.length = PROFILE_LIMITS.recentItems;
}

/**
 * Adds the event's weight to the item's sum, the item moved first. The newest-touched items are
 * kept when the list is full, so the fold-in follows the user's current taste.
 */
function addAffinity(payload: StoredProfile, itemId: string, weight: number, at: number): void {
  const list = payload.affinities;
  const index = list.findIndex((affinity) => affinity.itemId === itemId);
  const existing = index >= 0 ? list.splice(index, 1)[0] : undefined;
  const next = {
    itemId,
    weight: (existing?.weight ?? 0) + weight,
    at: Math.max(existing?.at ?? at, at),
  };
  const position = list.findIndex((affinity) => affinity.at <= next.at);
  list.splice(position < 0 ? list.length : position, 0, next);
  if (list.length > PROFILE_LIMITS.affinities) list.length = PROFILE_LIMITS.affinities;
}

/**
 * Most recently touched first. The list keeps no times, so a late (out-of-order) event for an
 * item already listed leaves it where it is; one for a new item puts it first.
 */
function rememberSeen(payload: StoredProfile, itemId: string, newest: boolean): void {
  const ids = payload.seenItemIds;
  const index = ids.indexOf(itemId);
  if (index >= 0) {
    if (!newest) return;
    ids.splice(index, 1);
  }
  ids.unshift(itemId);
  if (ids.length > PROFILE_LIMITS.seenItemIds) ids.length = PROFILE_LIMITS.seenItemIds;
}

/**
 * unit() of each item vector, per vector object: a batch names the same items again and again,
 * and a fresh vector per event was a good part of what the garbage collector had to do. Item
 * facts are built per batch and not changed once given (see ItemFacts.vector).
 */
const directions = new WeakMap<ArrayLike<number>, Float64Array | null>();

function directionOf(vector: ArrayLike<number>): Float64Array | null {
  let direction = directions.get(vector);
  if (direction === undefined) {
    direction = unit(vector);
    directions.set(vector, direction);
  }
  return direction;
}

interface Working {
  profile: Profile;
  categories: Interests;
  tags: Interests;
  /**
   * Decay owed to the long and short vectors since they were last touched: applied in the same
   * pass that adds the next item's term (see {@link moveVectors}), or once when the batch ends,
   * instead of one pass over each vector per event for the decay and another for the term.
   */
  longOwed: number;
  shortOwed: number;
}

/** long ← long × owed + longWeight × direction, and the same for short, in one pass. */
function moveVectors(
  working: Working,
  direction: Float64Array,
  longWeight: number,
  shortWeight: number,
): void {
  const { long, short } = working.profile;
  if (direction.length !== long.length) {
    throw new RangeError(`vectors differ in length: ${long.length} and ${direction.length}`);
  }
  const longOwed = working.longOwed;
  const shortOwed = working.shortOwed;
  for (let i = 0; i < long.length; i += 1) {
    const d = direction[i]!;
    long[i] = long[i]! * longOwed + longWeight * d;
    short[i] = short[i]! * shortOwed + shortWeight * d;
  }
  working.longOwed = 1;
  working.shortOwed = 1;
}

/** Applies the decay still owed to the vectors. */
function settleVectors(working: Working): void {
  if (working.longOwed !== 1) scaleInPlace(working.profile.long, working.longOwed);
  if (working.shortOwed !== 1) scaleInPlace(working.profile.short, working.shortOwed);
  working.longOwed = 1;
  working.shortOwed = 1;
}

/** Moves the reference time forward to `at`, decaying everything held to it. */
function advanceTo(working: Working, at: number, settings: ProfileSettings): void {
  const payload = working.profile.payload;
  if (at <= payload.updatedAt) return;
  const elapsed = at - payload.updatedAt;
  const longFactor = decayFactor(elapsed, settings.longHalfLifeMs);
  working.longOwed *= longFactor;
  working.shortOwed *= decayFactor(elapsed, settings.shortHalfLifeMs);
  working.categories.decay(longFactor);
  working.tags.decay(longFactor);
  payload.updatedAt = at;
}

function applyOne(working: Working, input: ProfileEvent, settings: ProfileSettings): EventOutcome {
  const { event } = input;
  const payload = working.profile.payload;
  // The loop's record of a variant shown on a card the recommender's impression counted already.
  if (isVariantChoice(event)) return applied(event, 0, false);
  payload.countsByType[event.type] = (payload.countsByType[event.type] ?? 0) + 1;
  const newest = event.timestamp >= payload.updatedAt;
  advanceTo(working, event.timestamp, settings);

  if (event.type === 'impression') {
    payload.impressionCount += 1;
    return applied(event, 0, false);
  }
  payload.eventCount += 1;
  const weight = eventWeight(event, settings.weights);
  if (event.itemId === undefined) return applied(event, weight, false);
  if (input.item === undefined) return applied(event, weight, true);

  if (weight !== 0) {
    // An event older than the reference time enters already decayed by its own age, so the
    // result is the same whatever order the events arrive in.
    const age = payload.updatedAt - event.timestamp;
    const longWeight = weight * decayFactor(age, settings.longHalfLifeMs);
    const direction = input.item.vector === undefined ? null : directionOf(input.item.vector);
    if (direction !== null) {
      moveVectors(
        working,
        direction,
        longWeight,
        weight * decayFactor(age, settings.shortHalfLifeMs),
      );
    }
    working.categories.add(input.item.category, longWeight);
    const { tags, tagSpecificity } = input.item;
    for (let i = 0; i < tags.length; i += 1) {
      const tag = tags[i]!;
      // A tag listed twice counts once; a few tags an item, so no Set per event.
      if (tags.indexOf(tag) !== i) continue;
      working.tags.add(tag, longWeight * (tagSpecificity?.get(tag) ?? 1));
    }
  }
  if (weight > 0) payload.positiveEventCount += 1;
  if (weight !== 0) addAffinity(payload, event.itemId, weight, event.timestamp);

  const interaction: StoredInteraction = {
    itemId: event.itemId,
    type: event.type,
    at: event.timestamp,
  };
  if (event.value !== undefined) interaction.value = event.value;
  rememberInteraction(payload, interaction);
  rememberSeen(payload, event.itemId, newest);
  return applied(event, weight, false);
}

/** One shape for every applied outcome: spreading a base object per event was costly. */
function applied(event: UserEvent, weight: number, unknownItem: boolean): EventOutcome {
  return { eventId: event.eventId, status: 'applied', type: event.type, weight, unknownItem };
}

/**
 * Applies one user's events, in log order, to their profile (or to an empty one) and returns
 * the new profile; the input is left as it was.
 *
 * Vectors and interests are decayed sums relative to `updatedAt`, the newest event time
 * applied: a newer event first decays what is held by 2^(−Δt/halfLife), then adds
 * weight × unit(item vector); an older one adds its term decayed by its own age. Negative
 * weights subtract. An event at or below the partition's stored offset (`replayed`), or whose
 * id is among the recent ones (`duplicate`), is skipped.
 */
export function applyEvents(
  current: Profile | undefined,
  events: readonly ProfileEvent[],
  settings: ProfileSettings,
): ApplyResult {
  return applyEventsInPlace(
    current === undefined ? undefined : cloneProfile(current),
    events,
    settings,
  );
}

/**
 * {@link applyEvents} on a profile the caller owns and gives up: it is changed where it is and
 * returned, not copied first. For a profile just read from the store (the read is already a
 * copy of its own), where a second copy per user and batch only fed the garbage collector.
 */
export function applyEventsInPlace(
  current: Profile | undefined,
  events: readonly ProfileEvent[],
  settings: ProfileSettings,
): ApplyResult {
  const userId = current?.payload.userId ?? events[0]?.event.userId ?? '';
  const profile = current ?? emptyProfile(userId, settings.dimension);
  if (profile.long.length !== settings.dimension || profile.short.length !== settings.dimension) {
    throw new RangeError(
      `profile vectors have ${profile.long.length} and ${profile.short.length} dimensions, expected ${settings.dimension}`,
    );
  }
  const payload = profile.payload;
  payload.categories = dictionaryRecord(payload.categories);
  payload.tags = dictionaryRecord(payload.tags);
  payload.countsByType = dictionaryRecord(payload.countsByType);
  const working: Working = {
    profile,
    categories: new Interests(payload.categories),
    tags: new Interests(payload.tags),
    longOwed: 1,
    shortOwed: 1,
  };
  const appliedIds = new Set(payload.recentEventIds);
  const outcomes: EventOutcome[] = [];
  let changed = false;

  for (const input of events) {
    const { event } = input;
    if (event.userId !== userId) {
      throw new RangeError(`event ${event.eventId} is for user ${event.userId}, not ${userId}`);
    }
    const partition = String(input.partition);
    const offset = offsetValue(input.offset);
    const last = payload.offsets[partition];
    if (last !== undefined && offset <= offsetValue(last)) {
      outcomes.push({ eventId: event.eventId, status: 'replayed' });
      continue;
    }
    payload.offsets[partition] = input.offset;
    if (appliedIds.has(event.eventId)) {
      outcomes.push({ eventId: event.eventId, status: 'duplicate' });
      continue;
    }
    appliedIds.add(event.eventId);
    payload.recentEventIds.unshift(event.eventId);
    changed = true;
    outcomes.push(applyOne(working, input, settings));
  }

  if (payload.recentEventIds.length > PROFILE_LIMITS.recentEventIds) {
    payload.recentEventIds.length = PROFILE_LIMITS.recentEventIds;
  }
  settleVectors(working);
  payload.categories = working.categories.strongest(PROFILE_LIMITS.categories);
  payload.tags = working.tags.strongest(PROFILE_LIMITS.tags);
  return { profile, outcomes, changed };
}
