import {
  type ConsumedEvent,
  consumeUserEvents,
  DeliveredOffsets,
  type EventBus,
  ITEMS_COLLECTION,
  type Logger,
  type Subscription,
  type UserKeyVault,
  type VectorStore,
} from '@tailor/kit';

import { readItem } from './domain/item.js';
import { TrendingCounts, trendingWeight } from './domain/trending.js';

/** Consumer group of the trending replay; ephemeral, so it never commits offsets. */
export const TRENDING_GROUP_ID = 'recommender-trending';
/** Most item ids asked of the store in one call when learning categories. */
export const CATEGORY_LOOKUP_BATCH = 256;

const HOUR_MS = 3_600_000;

/** Options of {@link TrendingService}. */
export interface TrendingServiceOptions {
  bus: EventBus;
  /** Where item categories are read from (`items`). */
  store: VectorStore;
  logger: Logger;
  halfLifeHours: number;
  /** Half-life of {@link TrendingService.popular}, the lasting counterpart of trending. */
  popularityHalfLifeHours: number;
  /** Opens sealed events; a forgotten user's events are no longer counted on the next start. */
  vault?: UserKeyVault;
  /**
   * Also given every batch as it comes, before it is counted: `user-events` is read once for
   * the whole recommender (the profile cache hears it here).
   */
  onEvents?: (events: readonly ConsumedEvent[]) => void;
}

/**
 * Keeps {@link TrendingCounts} in memory from `user-events`. The counts are a cache of the log:
 * each start replays the topic from the beginning on an ephemeral subscription, so nothing is
 * stored and every replica converges on the same counts.
 */
export class TrendingService {
  /** What people want now: a short half-life. */
  readonly counts: TrendingCounts;
  /** What people keep wanting: the same events with a long half-life. */
  readonly popular: TrendingCounts;
  /** Events read from the log so far, for a caller waiting for a replay to be read. */
  countedEvents = 0;
  private readonly bus: EventBus;
  private readonly store: VectorStore;
  private readonly log: Logger;
  private readonly logger: Logger;
  /** Offsets applied per partition: a redelivered batch is not counted twice. */
  private readonly applied = new DeliveredOffsets();
  private subscription: Subscription | null = null;
  private readonly vault: UserKeyVault | undefined;
  private readonly onEvents: ((events: readonly ConsumedEvent[]) => void) | undefined;

  constructor(options: TrendingServiceOptions) {
    this.vault = options.vault;
    this.onEvents = options.onEvents;
    this.bus = options.bus;
    this.store = options.store;
    this.logger = options.logger;
    this.log = options.logger.child({ component: 'trending' });
    this.counts = new TrendingCounts({ halfLifeMs: options.halfLifeHours * HOUR_MS });
    this.popular = new TrendingCounts({ halfLifeMs: options.popularityHalfLifeHours * HOUR_MS });
  }

  /** Starts the replay; counts fill in as the log is read. */
  async start(): Promise<void> {
    this.subscription = await consumeUserEvents({
      bus: this.bus,
      groupId: TRENDING_GROUP_ID,
      logger: this.logger,
      fromBeginning: true,
      ephemeral: true,
      ...(this.vault === undefined ? {} : { vault: this.vault }),
      handle: (events) => this.apply(events),
    });
    this.log.info('trending replay started');
  }

  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.stop();
  }

  /**
   * Counts a batch of one partition. Categories are looked up before anything is counted: if
   * the store fails, the batch is redelivered and counted once, later.
   */
  async apply(events: readonly ConsumedEvent[]): Promise<void> {
    this.onEvents?.(events);
    const unseen = events.filter((message) => this.applied.unseen(message));
    const fresh = unseen.filter(
      ({ event }) => event.itemId !== undefined && trendingWeight(event.type, event.value) > 0,
    );
    await this.learnCategories([...new Set(fresh.map(({ event }) => event.itemId!))]);
    for (const { event } of fresh) {
      const weight = trendingWeight(event.type, event.value);
      this.counts.add(event.itemId!, weight, event.timestamp);
      this.popular.add(event.itemId!, weight, event.timestamp);
    }
    this.countedEvents += unseen.length;
    // Recorded only now: a batch whose lookup failed is counted when it comes again.
    for (const message of events) this.applied.first(message);
  }

  /** Reads the categories of items not filed yet, in batches; unknown items stay unfiled. */
  private async learnCategories(itemIds: readonly string[]): Promise<void> {
    const unknown = itemIds.filter((id) => this.counts.categoryOf(id) === undefined);
    for (let i = 0; i < unknown.length; i += CATEGORY_LOOKUP_BATCH) {
      const points = await this.store.retrieve(
        ITEMS_COLLECTION,
        unknown.slice(i, i + CATEGORY_LOOKUP_BATCH),
        { withPayload: ['category'] },
      );
      for (const point of points) {
        const item = readItem(point.payload, point.id);
        if (item.category === '') continue;
        this.counts.setCategory(point.id, item.category);
        this.popular.setCategory(point.id, item.category);
      }
    }
  }
}
