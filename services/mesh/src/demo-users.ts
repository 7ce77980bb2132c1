import {
  type EventBus,
  type EventType,
  ITEMS_COLLECTION,
  publishUserEvents,
  readItemPayload,
  seededRandom,
  type UserEvent,
  type UserKeyVault,
  type VectorStore,
} from '@tailor/kit';

/** A demo user: who they are and what they like, so their feed is easy to tell apart. */
export interface DemoUser {
  id: string;
  /** Shown in the README and the feed page. */
  persona: string;
  categories: readonly string[];
}

export const DEMO_USERS: readonly DemoUser[] = [
  { id: 'demo-alice', persona: 'outdoors and sports', categories: ['outdoor', 'sports'] },
  { id: 'demo-bob', persona: 'cooking and groceries', categories: ['kitchen', 'grocery'] },
  { id: 'demo-chloe', persona: 'books and music', categories: ['books', 'music'] },
  { id: 'demo-dev', persona: 'gadgets and games', categories: ['electronics', 'toys'] },
];

/** Anonymous visitors whose views make the trending list meaningful for cold-start users. */
const CROWD_SIZE = 40;
const HOUR_MS = 3_600_000;

/** The pattern of one demo user's history: mostly views, some likes, a couple of purchases. */
const HISTORY: readonly EventType[] = [
  'view',
  'view',
  'like',
  'view',
  'purchase',
  'view',
  'add_to_cart',
  'like',
];

async function itemsByCategory(store: VectorStore): Promise<Map<string, string[]>> {
  const byCategory = new Map<string, string[]>();
  let cursor: string | undefined;
  do {
    const page = await store.scroll(ITEMS_COLLECTION, {
      limit: 256,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const point of page.points) {
      const payload = readItemPayload(point.payload, point.id);
      if (!payload.inStock) continue;
      const ids = byCategory.get(payload.category) ?? [];
      ids.push(payload.itemId);
      byCategory.set(payload.category, ids);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  for (const ids of byCategory.values()) ids.sort();
  return byCategory;
}

/**
 * The demo users' and the crowd's histories over the last days, built from the catalog that is
 * loaded. Event ids are fixed, so seeding twice counts once.
 */
export async function demoEvents(store: VectorStore, now: number): Promise<UserEvent[]> {
  const byCategory = await itemsByCategory(store);
  // Seeded, so demo histories are the same on every machine.
  const random = seededRandom(20261127);
  const events: UserEvent[] = [];
  for (const user of DEMO_USERS) {
    let n = 0;
    for (const category of user.categories) {
      const ids = byCategory.get(category) ?? [];
      for (let i = 0; i < Math.min(ids.length, HISTORY.length); i += 1) {
        const itemId = ids[(i * 7) % ids.length];
        const type = HISTORY[i];
        if (itemId === undefined || type === undefined) continue;
        n += 1;
        events.push({
          eventId: `${user.id}-${String(n).padStart(3, '0')}`,
          userId: user.id,
          itemId,
          type,
          timestamp: now - (48 - n) * HOUR_MS,
          context: { surface: 'demo-seed' },
        });
      }
    }
  }
  const categories = [...byCategory.keys()].sort();
  for (let visitor = 0; visitor < CROWD_SIZE; visitor += 1) {
    for (let k = 0; k < 5; k += 1) {
      const category = categories[Math.floor(random() * categories.length)];
      const ids = category === undefined ? [] : (byCategory.get(category) ?? []);
      // Squaring skews picks toward the first items of a category, so a few stand out as trending.
      const itemId = ids[Math.floor(random() ** 2 * ids.length)];
      if (itemId === undefined) continue;
      events.push({
        eventId: `demo-crowd-${visitor}-${k}`,
        userId: `demo-crowd-${visitor}`,
        itemId,
        type: random() < 0.2 ? 'purchase' : 'view',
        timestamp: now - Math.floor(random() * 24) * HOUR_MS,
        context: { surface: 'demo-seed' },
      });
    }
  }
  return events;
}

/** Publishes the demo histories through the bus, as any producer would. */
export async function seedDemoUsers(
  bus: EventBus,
  store: VectorStore,
  vault: UserKeyVault,
  now = Date.now(),
): Promise<number> {
  const events = await demoEvents(store, now);
  await publishUserEvents(bus, events, { vault });
  return events.length;
}
