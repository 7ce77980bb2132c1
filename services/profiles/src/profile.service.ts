import { randomUUID } from 'node:crypto';

import {
  type ConsumedEvent,
  EVENT_LIMITS,
  type EventBus,
  foldInUsers,
  ITEMS_COLLECTION,
  itemsCollectionSpec,
  type Logger,
  modelsCollectionSpec,
  type PointInput,
  PROFILE_REVISION_KEY,
  PROFILES_COLLECTION,
  profilesCollectionSpec,
  type PublishedModel,
  publishUserForgotten,
  readPublishedModel,
  type UserKeyVault,
  type VectorStore,
} from '@tailor/kit';

import {
  applyEventsInPlace,
  forgetProfile,
  holdsPersonalData,
  type ItemFacts,
  type Profile,
  type ProfileEvent,
  type ProfileSettings,
  type StoredProfile,
} from './domain/profile.js';
import { itemFactsFromPoint, profileFromPoint, profileToPoint } from './domain/stored.js';
import { type ProfileSummary, summarizeProfile } from './domain/summary.js';
import { KeyedLock } from './keyed-lock.js';
import type { ProfileMetrics } from './metrics.js';
import { TagStats } from './tag-stats.js';

/** Reads profiles for display; what the GraphQL resolvers depend on. */
export interface ProfileReader {
  /** Any id is a user: one without a profile (or forgotten) reads as an empty cold-start one. */
  read(userId: string): Promise<ProfileSummary>;
}

/** Erases a user's profile; what `forgetUser` depends on. */
export interface ProfileEraser {
  /** True when something was held for the user and has been erased. */
  forget(userId: string): Promise<boolean>;
}

/** Options of {@link ProfileService}. */
export interface ProfileServiceOptions {
  /** Holds `profiles` (written) and `items` (read). Owned by the caller. */
  store: VectorStore;
  logger: Logger;
  settings: ProfileSettings;
  metrics: ProfileMetrics;
  /** Where users' event keys live; `forget` deletes the user's (see ProfilesDeps.vault). */
  vault?: UserKeyVault;
  /**
   * Where `forget` tells the other services (`user-forgotten`, by the user's subject), once
   * the profile and key are gone; none told without one.
   */
  notices?: { bus: EventBus; subjectOf: (userId: string) => string };
  /** Epoch milliseconds; tests may fix it. */
  now?: () => number;
  /**
   * How long a read of the published model is reused before the store is asked again; a new
   * model reaches batches at most this late. Default {@link MODEL_CHECK_MS}.
   */
  modelCheckMs?: number;
  /**
   * Profiles kept in memory between batches, the most recently written; 0 keeps none. Default
   * {@link HOT_PROFILES}. See {@link ProfileService}.
   */
  hotProfiles?: number;
}

/** Default of {@link ProfileServiceOptions.modelCheckMs}. */
export const MODEL_CHECK_MS = 5_000;
/**
 * Default of {@link ProfileServiceOptions.hotProfiles}. A profile at every list's limit holds
 * about 130 KB in memory and a typical one a few KB, so this bounds the cache at a few hundred
 * MB in the worst case.
 */
export const HOT_PROFILES = 10_000;
/** Profiles re-folded per store page when a new model comes. */
const REFOLD_PAGE_SIZE = 200;

/** What one batch came to. */
export interface BatchOutcome {
  applied: number;
  duplicate: number;
  replayed: number;
  /** Applied events naming an item the catalog does not know (counted, nothing moved). */
  unknownItem: number;
  /** Profiles written. */
  written: number;
}

/** A profile as this service last wrote it, and the revision it wrote it with. */
interface HotProfile {
  profile: Profile;
  revision: string;
}

/**
 * Keeps the `profiles` collection: applies batches of user events and forgets users. Every
 * change to a user's profile is a read-modify-write under that user's lock.
 *
 * The profiles it wrote last stay in memory (up to `hotProfiles`), so a user's next batch reads
 * only the stored revision, not the profile: every write stamps the payload with a revision
 * unique to this service instance and write, and a profile held here is used only while the
 * stored revision is still the one it wrote. Any other write in between (another replica after
 * a rebalance, an older version, a hand edit) changes or drops the revision, so the profile is
 * read again. Writes are not deferred: a batch's profiles are written before the batch is
 * committed, exactly as without the cache, so a crash loses nothing the log cannot redeliver.
 */
export class ProfileService implements ProfileReader, ProfileEraser {
  private readonly log: Logger;
  private readonly lock = new KeyedLock();
  /** In least recently written order (a Map keeps insertion order). */
  private readonly hot = new Map<string, HotProfile>();
  private readonly writer = randomUUID();
  private writes = 0;
  private readonly now: () => number;
  private readonly tagStats: TagStats;
  private model: { read: PublishedModel | undefined; at: number } | undefined;
  /** The model version every stored profile was last re-folded against. */
  private sweptVersion: string | undefined;

  constructor(private readonly options: ProfileServiceOptions) {
    this.log = options.logger.child({ component: 'profiles' });
    this.now = options.now ?? Date.now;
    this.tagStats = new TagStats(options.store, this.now);
  }

  /**
   * Creates `profiles`, and `items` too when the catalog has not yet: with the same spec the
   * catalog uses, so whichever starts first, the result is the same.
   */
  async ensureCollections(): Promise<void> {
    const { dimension, cfDimension } = this.options.settings;
    await this.options.store.ensureCollection(profilesCollectionSpec(dimension, cfDimension));
    await this.options.store.ensureCollection(itemsCollectionSpec(dimension, cfDimension));
    await this.options.store.ensureCollection(modelsCollectionSpec(cfDimension));
  }

  /** The published model, re-read at most every `modelCheckMs` (wall clock, not `now`). */
  private async currentModel(fresh = false): Promise<PublishedModel | undefined> {
    const maxAge = this.options.modelCheckMs ?? MODEL_CHECK_MS;
    if (!fresh && this.model !== undefined && Date.now() - this.model.at < maxAge) {
      return this.model.read;
    }
    const read = await readPublishedModel(this.options.store, this.options.settings.cfDimension);
    this.model = { read, at: Date.now() };
    return read;
  }

  /**
   * Sets each profile's `cf` vector: the exact solve against the published item factors over
   * its affinities. Without a model, profiles keep no `cf` (the recommender's other sources
   * serve them); a profile none of whose items has factors loses its stale one.
   */
  private async foldIn(profiles: readonly Profile[], model: PublishedModel): Promise<void> {
    const vectors = await foldInUsers(
      this.options.store,
      model,
      new Map(profiles.map((p) => [p.payload.userId, p.payload.affinities])),
      this.options.settings.recentTaste,
    );
    for (const profile of profiles) {
      const cf = vectors.get(profile.payload.userId);
      if (cf === undefined) {
        delete profile.cf;
        delete profile.payload.cfModelVersion;
      } else {
        profile.cf = cf;
        profile.payload.cfModelVersion = model.payload.modelVersion;
      }
    }
  }

  /**
   * Folds in again every profile whose `cf` was folded against another model than the one
   * published now (in the background after each new model; see startProfiles). Returns how
   * many profiles were rewritten.
   */
  async refoldStale(): Promise<number> {
    const model = await this.currentModel(true);
    if (model === undefined) return 0;
    this.sweptVersion = model.payload.modelVersion;
    const { store } = this.options;
    let cursor: string | undefined;
    let rewritten = 0;
    do {
      const page = await store.scroll(PROFILES_COLLECTION, {
        limit: REFOLD_PAGE_SIZE,
        ...(cursor === undefined ? {} : { cursor }),
      });
      const stale = page.points
        .filter((point) => {
          const p = point.payload;
          return (
            p.cfModelVersion !== model.payload.modelVersion &&
            Array.isArray(p.affinities) &&
            p.affinities.length > 0
          );
        })
        .map((point) => point.id);
      if (stale.length > 0) {
        rewritten += await this.lock.run(stale, async () => {
          // Read again under the lock: a batch may have moved them since the page was read.
          const profiles = [...(await this.loadProfiles(stale, true)).values()].filter(
            (p) => p.payload.cfModelVersion !== model.payload.modelVersion,
          );
          await this.foldIn(profiles, model);
          await this.write(profiles);
          return profiles.length;
        });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    if (rewritten > 0) {
      this.log.info({ modelVersion: model.payload.modelVersion, rewritten }, 'profiles re-folded');
    }
    return rewritten;
  }

  /**
   * Applies a batch of one partition, in log order: loads the users' profiles and the items
   * named (one store call each), applies, writes every changed profile in one call. A store
   * error propagates, so the bus delivers the batch again; applying is idempotent.
   */
  async applyBatch(events: readonly ConsumedEvent[]): Promise<BatchOutcome> {
    const outcome: BatchOutcome = {
      applied: 0,
      duplicate: 0,
      replayed: 0,
      unknownItem: 0,
      written: 0,
    };
    if (events.length === 0) return outcome;
    const byUser = new Map<string, ConsumedEvent[]>();
    for (const consumed of events) {
      const list = byUser.get(consumed.event.userId);
      if (list === undefined) byUser.set(consumed.event.userId, [consumed]);
      else list.push(consumed);
    }
    const userIds = [...byUser.keys()];

    return this.lock.run(userIds, async () => {
      const { settings, metrics } = this.options;
      // A batch opened just before its user was forgotten must not bring the profile back.
      for (const userId of await this.forgottenAmong(byUser)) byUser.delete(userId);
      const profiles = await this.loadForChange(userIds);
      const items = await this.loadItems(events);
      const changed: Profile[] = [];
      // Applied events per type: one counter increment per type and batch, not per event.
      const appliedTypes = new Map<string, number>();
      for (const [userId, consumed] of byUser) {
        const input = consumed.map((c): ProfileEvent => {
          const item = c.event.itemId === undefined ? undefined : items.get(c.event.itemId);
          const event: ProfileEvent = { event: c.event, partition: c.partition, offset: c.offset };
          if (item !== undefined) event.item = item;
          return event;
        });
        // The profile was read for this batch alone: changed where it is, not copied again.
        const result = applyEventsInPlace(profiles.get(userId), input, settings);
        for (const [index, o] of result.outcomes.entries()) {
          if (o.status !== 'applied') {
            outcome[o.status] += 1;
            continue;
          }
          outcome.applied += 1;
          appliedTypes.set(o.type, (appliedTypes.get(o.type) ?? 0) + 1);
          if (o.unknownItem) {
            outcome.unknownItem += 1;
            this.log.debug(
              { eventId: o.eventId, itemId: consumed[index]?.event.itemId, type: o.type },
              'event for an unknown item: counted only',
            );
          }
        }
        if (result.changed) changed.push(result.profile);
      }
      const model = await this.currentModel();
      if (model !== undefined && changed.length > 0) await this.foldIn(changed, model);
      await this.write(changed);
      outcome.written = changed.length;

      // Counted only once written: a failed write is retried and must not count twice.
      for (const [type, count] of appliedTypes) metrics.applied.inc({ type }, count);
      if (outcome.duplicate > 0) metrics.skipped.inc({ reason: 'duplicate' }, outcome.duplicate);
      if (outcome.replayed > 0) metrics.skipped.inc({ reason: 'replayed' }, outcome.replayed);
      const first = events[0]!;
      this.log.debug(
        { partition: first.partition, fromOffset: first.offset, users: userIds.length, ...outcome },
        'batch applied',
      );
      return outcome;
    });
  }

  /**
   * Erases what is held for the user, keeping only the log offsets (see `forgetProfile`).
   * True when there was something to erase.
   */
  async forget(userId: string): Promise<boolean> {
    return this.lock.run([userId], async () => {
      const { store, vault } = this.options;
      this.hot.delete(userId);
      const profile = (await this.loadProfiles([userId], true)).get(userId);
      const hadKey = vault === undefined ? false : await vault.forget(userId);
      if (vault !== undefined) {
        // The key is gone, so no copy of the user's sealed events can be replayed into a new
        // profile: the point itself goes, id and all.
        if (profile !== undefined) await store.delete(PROFILES_COLLECTION, { ids: [userId] });
      } else if (profile !== undefined && holdsPersonalData(profile)) {
        // Events in the clear can be replayed: a tombstone keeps the offsets that skip them.
        const tombstone = forgetProfile(profile, userId, this.options.settings.dimension);
        await store.upsert(PROFILES_COLLECTION, [profileToPoint(tombstone)]);
      }
      const erased = hadKey || (profile !== undefined && holdsPersonalData(profile));
      // Told even when nothing was held here: another service may hold a copy all the same.
      const notices = this.options.notices;
      if (notices !== undefined) {
        await publishUserForgotten(notices.bus, notices.subjectOf(userId), new Date(this.now()));
      }
      if (erased) this.log.info('user forgotten');
      return erased;
    });
  }

  /** Re-folds stale profiles when the published model differs from the one last swept. */
  async refoldIfModelChanged(): Promise<number> {
    const model = await this.currentModel(true);
    if (model === undefined || model.payload.modelVersion === this.sweptVersion) return 0;
    return this.refoldStale();
  }

  /** Users of the batch whose sealed events' key is gone: forgotten since the batch was read. */
  private async forgottenAmong(byUser: ReadonlyMap<string, readonly ConsumedEvent[]>) {
    const { vault } = this.options;
    const subjects = [...byUser.values()].flatMap((consumed) => consumed[0]?.subject ?? []);
    if (vault === undefined || subjects.length === 0) return [];
    const live = await vault.keysForReading(subjects);
    return [...byUser].flatMap(([userId, consumed]) => {
      const subject = consumed[0]?.subject;
      return subject !== undefined && !live.has(subject) ? [userId] : [];
    });
  }

  async read(userId: string): Promise<ProfileSummary> {
    const longHalfLifeMs = this.options.settings.longHalfLifeMs;
    // No event can carry a longer id, so there is nothing to look up.
    if (userId.length > EVENT_LIMITS.idMaxLength) {
      return summarizeProfile(userId, undefined, this.now(), longHalfLifeMs);
    }
    const payload: StoredProfile | undefined = (await this.loadProfiles([userId], false)).get(
      userId,
    )?.payload;
    return summarizeProfile(userId, payload, this.now(), longHalfLifeMs);
  }

  /**
   * The users' profiles to change and write: those held in memory whose stored revision is still
   * the one written from here, the others read from the store. Each leaves the cache until it is
   * written again (see {@link write}), so a batch that fails half-way leaves nothing changed in
   * memory that the store does not hold.
   */
  private async loadForChange(userIds: readonly string[]): Promise<Map<string, Profile>> {
    const profiles = new Map<string, Profile>();
    const held = userIds.filter((id) => this.hot.has(id));
    if (held.length > 0) {
      const stamps = await this.options.store.retrieve(PROFILES_COLLECTION, held, {
        withPayload: [PROFILE_REVISION_KEY],
        withVectors: false,
      });
      const stored = new Map(
        stamps.map((point) => [point.id, point.payload[PROFILE_REVISION_KEY]]),
      );
      for (const id of held) {
        const entry = this.hot.get(id)!;
        this.hot.delete(id);
        if (stored.get(id) === entry.revision) profiles.set(id, entry.profile);
      }
    }
    const missing = userIds.filter((id) => !profiles.has(id));
    if (missing.length > 0) {
      for (const [id, profile] of await this.loadProfiles(missing, true)) profiles.set(id, profile);
    }
    return profiles;
  }

  /**
   * Writes the profiles (one store call), each stamped with a new revision, then keeps them in
   * memory as written. The store copies what it is given, so changing a held profile later
   * does not reach what it stored.
   */
  private async write(profiles: readonly Profile[]): Promise<void> {
    if (profiles.length === 0) return;
    const points: PointInput[] = [];
    const revisions: string[] = [];
    for (const profile of profiles) {
      this.hot.delete(profile.payload.userId);
      const point = profileToPoint(profile);
      this.writes += 1;
      const revision = `${this.writer}.${this.writes}`;
      point.payload[PROFILE_REVISION_KEY] = revision;
      points.push(point);
      revisions.push(revision);
    }
    await this.options.store.upsert(PROFILES_COLLECTION, points);
    const capacity = this.options.hotProfiles ?? HOT_PROFILES;
    if (capacity === 0) return;
    profiles.forEach((profile, i) => {
      this.hot.set(profile.payload.userId, { profile, revision: revisions[i]! });
    });
    for (const id of this.hot.keys()) {
      if (this.hot.size <= capacity) break;
      this.hot.delete(id);
    }
  }

  private async loadProfiles(
    userIds: readonly string[],
    withVectors: boolean,
  ): Promise<Map<string, Profile>> {
    const points = await this.options.store.retrieve(PROFILES_COLLECTION, userIds, { withVectors });
    const { dimension, cfDimension } = this.options.settings;
    return new Map(
      points.map((point) => [point.id, profileFromPoint(point, dimension, cfDimension)]),
    );
  }

  private async loadItems(events: readonly ConsumedEvent[]): Promise<Map<string, ItemFacts>> {
    // Impressions never move a profile, and the recommender sends many: their items are not read.
    const ids = [
      ...new Set(
        events.flatMap((c) =>
          c.event.itemId === undefined || c.event.type === 'impression' ? [] : [c.event.itemId],
        ),
      ),
    ];
    if (ids.length === 0) return new Map();
    // Only what itemFactsFromPoint reads: the rest of an item's payload (title, description,
    // …) would be copied out of the store for nothing.
    const points = await this.options.store.retrieve(ITEMS_COLLECTION, ids, {
      withVectors: true,
      withPayload: ['category', 'tags'],
    });
    const { dimension } = this.options.settings;
    const items = new Map<string, ItemFacts>();
    for (const point of points) {
      const facts = itemFactsFromPoint(point, dimension);
      if (facts.vector === undefined) {
        this.log.warn(
          { itemId: point.id, dimension },
          'item has no content vector of the profile dimension: its events move interests only',
        );
      }
      items.set(point.id, facts);
    }
    const specificity = await this.tagStats.specificities(
      [...items.values()].flatMap((facts) => facts.tags),
    );
    for (const [id, facts] of items) {
      items.set(id, {
        ...facts,
        tagSpecificity: new Map(facts.tags.map((tag) => [tag, specificity.get(tag) ?? 1])),
      });
    }
    return items;
  }
}
