import { query } from './harness.js';
import { operation } from './operations.js';

/** What the Home operation returns, the parts these tests read. */
export interface HomeData {
  user: {
    id: string;
    profile: { topCategories: { name: string; weight: number }[]; eventCount: number };
    recommendations: {
      recommendationId: string;
      strategy: 'PERSONALIZED' | 'TRENDING';
      items: {
        item: {
          id: string;
          title: string;
          category: string;
          price: { amount: number; currency: string };
        };
        score: number;
        reasons: string[];
      }[];
    };
  };
}

export interface RecordEventsData {
  recordEvents: {
    accepted: number;
    eventIds: string[];
    errors: { index: number; field: string; message: string }[];
  };
}

export const HOME = operation('Home');
export const RECORD_EVENTS = operation('RecordEvents');
export const FORGET_USER = operation('ForgetUser');

const EVENT_COUNT = 'query($userId: ID!) { user(id: $userId) { profile { eventCount } } }';

export function home(url: string, userId: string): Promise<HomeData> {
  return query<HomeData>(url, HOME, { userId });
}

/** A user's applied event count, through any URL serving `User.profile` (gateway or subgraph). */
export async function eventCount(url: string, userId: string): Promise<number> {
  const data = await query<{ user: { profile: { eventCount: number } } }>(url, EVENT_COUNT, {
    userId,
  });
  return data.user.profile.eventCount;
}

/** In-stock item ids of one category, from the catalog through the gateway. */
export async function itemsOfCategory(
  url: string,
  category: string,
  first: number,
): Promise<string[]> {
  const data = await query<{ items: { nodes: { id: string }[] } }>(
    url,
    'query($category: String!, $first: Int!) { items(category: $category, first: $first, inStockOnly: true) { nodes { id } } }',
    { category, first },
  );
  return data.items.nodes.map((n) => n.id);
}
