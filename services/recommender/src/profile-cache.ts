import { performance } from 'node:perf_hooks';

import type { ConsumedEvent, UserForgottenNotice } from '@tailor/kit';
import { LRUCache } from 'lru-cache';

import type { ProfileView } from './domain/profile.js';

/**
 * Users whose latest profile-moving event is remembered (see {@link ProfileCache}): about 100 B
 * each, so 10 MB. Past it the least recently heard go, and a profile is then kept only if it
 * holds every event forgotten that way (see `floors`).
 */
export const HEARD_USERS = 100_000;
/**
 * How long a forget notice keeps a profile read that was already under way out of the cache:
 * far longer than any read may take (requests time out well before).
 */
const FORGET_GUARD_MS = 60_000;

interface Entry {
  userId: string;
  view: ProfileView;
  /**
   * False once the view may miss an event of the user (see {@link ProfileCache}): then it is
   * only a previous profile, kept to guess the next list's batch by.
   */
  current: boolean;
}

interface Heard {
  partition: number;
  offset: bigint;
}

/** Options of {@link ProfileCache}. */
export interface ProfileCacheOptions {
  /** Most users held; 0 holds none (every list reads its profile). */
  maxUsers: number;
  /** Longest an entry is used: a bound on writers this process cannot hear of. */
  maxAgeMs: number;
  /** The user's subject, as forget notices name them. */
  subjectOf: (userId: string) => string;
  /**
   * Keep an entry that can no longer be trusted as a previous profile (see
   * {@link ProfileCache.previous}) instead of dropping it; default false.
   */
  guess?: boolean;
  /** Users whose latest event is remembered; default {@link HEARD_USERS}. */
  heardUsers?: number;
}

/**
 * The profiles lists were built from, kept so a returning user's list asks the store for its
 * items alone. An entry is current, used as the list's profile, only while it is known to hold
 * every event of the user this process has heard on `user-events` (the trending replay hears
 * every one), checked with the log offsets the profiles service stamps on each profile:
 * - an event heard after the entry was kept makes it no longer current;
 * - a profile is kept current only if it already holds the latest event heard of that user, so
 *   one read before the profiles service applied an event the recommender had heard is used
 *   once, not kept current (the next list reads again);
 * - impressions, which move nothing a list reads (the blend uses unit vectors, tags their order),
 *   leave it current, so a list's own impressions leave it in place;
 * - an entry folded against another model than the one in service is not used (the profiles
 *   service re-folds it), nor one older than `maxAgeMs`;
 * - a forget notice (`user-forgotten`) drops the user's entry, current or not, and keeps a read
 *   already under way from being kept.
 * An entry that is no longer current is dropped, or with `guess` kept as the user's previous
 * profile: the batch it asked is likely the next list's, so that list may send it beside the
 * profile read. One LRU holds both, so one bound and one max age cover every copy of a profile
 * this process holds, and forget notices reach them all.
 * What this cannot see: an event the profiles service applied before this process heard it, for
 * as long as this process lags behind it (its replay at start included), and writers that stamp
 * no offsets (a hand edit), for at most `maxAgeMs`.
 */
export class ProfileCache {
  /** By subject, so a forget notice finds its entry without knowing the id. */
  private readonly entries: LRUCache<string, Entry> | undefined;
  private readonly heard: LRUCache<string, Heard>;
  /**
   * Per partition, the newest offset of a heard entry that was evicted: a user no longer heard
   * may have had an event up to there, so their profile is kept only if it holds that offset.
   */
  private readonly floors = new Map<number, bigint>();
  /** Subjects forgotten lately, and when the notice came (monotonic ms). */
  private readonly forgotten = new LRUCache<string, number>({ max: 10_000, ttl: FORGET_GUARD_MS });
  private readonly subjectOf: (userId: string) => string;
  private readonly guess: boolean;

  constructor(options: ProfileCacheOptions) {
    this.subjectOf = options.subjectOf;
    this.guess = options.guess ?? false;
    this.heard = new LRUCache<string, Heard>({
      max: options.heardUsers ?? HEARD_USERS,
      dispose: (heard, _userId, reason) => {
        if (reason === 'evict') this.raiseFloor(heard);
      },
    });
    if (options.maxUsers > 0) {
      this.entries = new LRUCache<string, Entry>({
        max: options.maxUsers,
        ttl: options.maxAgeMs,
        // Dropped when due, not when next asked: a copy of a profile should not linger.
        ttlAutopurge: true,
      });
    }
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }

  /** Monotonic ms, what a read's start is given to {@link keep} in. */
  static clock(): number {
    return performance.now();
  }

  /**
   * The user's profile when an entry may be used with the model `modelVersion` in service (null:
   * none); undefined when the store must be read.
   */
  get(userId: string, modelVersion: string | null): ProfileView | undefined {
    const entry = this.entryOf(userId);
    if (entry?.current !== true) return undefined;
    const { foldedFor } = entry.view;
    if (foldedFor !== undefined && modelVersion !== null && foldedFor !== modelVersion) {
      return undefined;
    }
    return entry.view;
  }

  /**
   * The profile the user's last list was built from, current or not, whatever model it was
   * folded against: only ever a guess of what the next list reads. Undefined without `guess`.
   */
  previous(userId: string): ProfileView | undefined {
    if (!this.guess) return undefined;
    return this.entryOf(userId)?.view;
  }

  /**
   * Keeps the profile read from the store, current if it holds every event heard of the user
   * (else only as the previous profile, with `guess`), unless a forget notice came since
   * `readStartedAt` ({@link ProfileCache.clock}). True when kept current.
   */
  keep(userId: string, view: ProfileView, readStartedAt: number): boolean {
    if (this.entries === undefined) return false;
    const subject = this.subjectOf(userId);
    const forgottenAt = this.forgotten.get(subject);
    if (forgottenAt !== undefined && forgottenAt >= readStartedAt) return false;
    const { offsets } = view;
    const heard = this.heard.get(userId);
    const holds =
      heard === undefined
        ? [...this.floors].every(([partition, floor]) => holdsOffset(offsets, partition, floor))
        : holdsOffset(offsets, heard.partition, heard.offset);
    if (holds || this.guess) this.entries.set(subject, { userId, view, current: holds });
    else this.entries.delete(subject);
    return holds;
  }

  /** Notes a batch of `user-events`; see {@link ProfileCache} for what drops an entry. */
  hear(events: readonly ConsumedEvent[]): void {
    for (const { event, partition, offset, subject } of events) {
      if (event.type === 'impression') continue;
      const at = BigInt(offset);
      const known = this.heard.peek(event.userId);
      // A batch delivered again must not move a user back.
      if (known === undefined || known.partition !== partition || at > known.offset) {
        this.heard.set(event.userId, { partition, offset: at });
      }
      if (this.entries === undefined || this.entries.size === 0) continue;
      // Any event ends the entry's trust: one it holds was read after the profile took it, and
      // a redelivered one is rare enough not to be worth a lookup of what the profile holds.
      const key = subject ?? this.subjectOf(event.userId);
      const entry = this.entries.peek(key);
      if (entry === undefined) continue;
      // In place, so the copy keeps its age: max age bounds how long a read is held, trusted
      // or not.
      if (this.guess) entry.current = false;
      else this.entries.delete(key);
    }
  }

  /** Drops what is held of each notice's user, previous profile included. */
  forget(notices: readonly UserForgottenNotice[]): void {
    const now = ProfileCache.clock();
    for (const { subject } of notices) {
      this.forgotten.set(subject, now);
      const entry = this.entries?.get(subject);
      this.entries?.delete(subject);
      if (entry !== undefined) this.heard.delete(entry.userId);
    }
  }

  private entryOf(userId: string): Entry | undefined {
    const entry = this.entries?.get(this.subjectOf(userId));
    return entry?.userId === userId ? entry : undefined;
  }

  private raiseFloor({ partition, offset }: Heard): void {
    const floor = this.floors.get(partition);
    if (floor === undefined || offset > floor) this.floors.set(partition, offset);
  }
}

/** True when the stored `offsets` hold `offset` of `partition` (decimal strings, as stamped). */
function holdsOffset(
  offsets: Readonly<Record<string, string>>,
  partition: number,
  offset: bigint,
): boolean {
  const held = offsets[String(partition)];
  return held !== undefined && BigInt(held) >= offset;
}
