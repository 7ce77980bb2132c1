import assert from 'node:assert/strict';

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

/** `headers` (a bearer token, say) go with the request, as in every helper below. */
export function home(
  url: string,
  userId: string,
  headers: Record<string, string> = {},
): Promise<HomeData> {
  return query<HomeData>(url, HOME, { userId }, headers);
}

/** A user's applied event count, through any URL serving `User.profile` (gateway or subgraph). */
export async function eventCount(
  url: string,
  userId: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const data = await query<{ user: { profile: { eventCount: number } } }>(
    url,
    EVENT_COUNT,
    { userId },
    headers,
  );
  return data.user.profile.eventCount;
}

/** Several users' event counts in one request: aliased `user` fields (mind GRAPHQL_MAX_ALIASES). */
export async function eventCounts(
  url: string,
  users: readonly string[],
  headers: Record<string, string> = {},
): Promise<number[]> {
  const vars = users.map((_, i) => `$u${i}: ID!`).join(', ');
  const fields = users.map((_, i) => `u${i}: user(id: $u${i}) { profile { eventCount } }`);
  const data = await query<Record<string, { profile: { eventCount: number } }>>(
    url,
    `query(${vars}) { ${fields.join(' ')} }`,
    Object.fromEntries(users.map((id, i) => [`u${i}`, id])),
    headers,
  );
  return users.map((_, i) => data[`u${i}`]?.profile.eventCount ?? Number.NaN);
}

/** In-stock item ids of one category, from the catalog through the gateway. */
export async function itemsOfCategory(
  url: string,
  category: string,
  first: number,
  headers: Record<string, string> = {},
): Promise<string[]> {
  const data = await query<{ items: { nodes: { id: string }[] } }>(
    url,
    'query($category: String!, $first: Int!) { items(category: $category, first: $first, inStockOnly: true) { nodes { id } } }',
    { category, first },
    headers,
  );
  return data.items.nodes.map((n) => n.id);
}

/**
 * Asserts the personalization a user's history of one category should produce: that category on
 * top, a personalized list of five, at least three from it, none already seen.
 */
export async function assertPersonalizedOn(
  url: string,
  userId: string,
  category: string,
  seen: readonly string[],
  headers: Record<string, string> = {},
): Promise<HomeData> {
  const data = await home(url, userId, headers);
  assert.equal(data.user.profile.topCategories[0]?.name, category);
  const list = data.user.recommendations;
  assert.equal(list.strategy, 'PERSONALIZED');
  assert.equal(list.items.length, 5);
  const inCategory = list.items.filter((r) => r.item.category === category).length;
  assert.ok(inCategory >= 3, `only ${inCategory} of 5 from ${category}`);
  for (const rec of list.items) {
    assert.ok(!seen.includes(rec.item.id), `${rec.item.id} was already seen`);
  }
  return data;
}
