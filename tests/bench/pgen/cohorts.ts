import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { ItemPayload } from '@tailor/kit';

import { REPO_ROOT } from '../lib/paths.js';
import { seededRandom } from '../lib/random.js';
import { loadMovieLens, type Movie } from '../quality/movielens.js';

/**
 * The users and items of bench:pgen. A user has a known set of interests (catalog categories
 * or MovieLens genres) and a history of positive events on items carrying them; the items
 * written about are held out of every history.
 */

/** One positive event of a user's history, in time order. */
export interface HistoryEvent {
  itemId: string;
  type: 'like' | 'purchase' | 'rating';
  value?: number;
  at: number;
}

/** A user of the bench. */
export interface BenchUser {
  id: string;
  /** The interests the history was drawn from: what the user truly likes. */
  interests: string[];
  history: HistoryEvent[];
}

/** A cohort: a catalog, its users, and the items written about. */
export interface Cohort {
  name: 'synthetic' | 'movielens';
  items: Map<string, ItemPayload>;
  users: BenchUser[];
  /** Held out of every history. */
  probeItems: string[];
  /** The interest an item carries for grouping: its category, or its first genre. */
  interestsOf: (item: ItemPayload) => string[];
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Histories end here; the profile fold only cares about the gaps. */
export const BENCH_EPOCH_MS = Date.UTC(2026, 0, 15);

interface DemoLine {
  id: string;
  title: string;
  description: string;
  category: string;
  tags: string[];
  price: { amount: number; currency: string };
  inStock: boolean;
  attributes: { name: string; value: string }[];
}

/** The committed demo catalog as stored payloads. */
export function demoItems(): Map<string, ItemPayload> {
  const file = path.join(REPO_ROOT, 'services', 'catalog', 'data', 'demo-catalog.jsonl');
  const items = new Map<string, ItemPayload>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const d = JSON.parse(line) as DemoLine;
    items.set(d.id, {
      itemId: d.id,
      title: d.title,
      description: d.description,
      category: d.category,
      tags: d.tags,
      price: d.price.amount,
      currency: d.price.currency,
      inStock: d.inStock,
      attributes: Object.fromEntries(d.attributes.map((a) => [a.name, a.value])),
      createdAt: BENCH_EPOCH_MS - 90 * DAY_MS,
      updatedAt: BENCH_EPOCH_MS - 90 * DAY_MS,
    });
  }
  return items;
}

/** Each item's category, in catalog order. */
function byCategory(items: Map<string, ItemPayload>): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const item of items.values()) {
    groups.set(item.category, [...(groups.get(item.category) ?? []), item.itemId]);
  }
  return groups;
}

/** A like then a purchase per item, an hour apart, the newest at `end`. */
export function likeAndBuy(itemIds: readonly string[], end: number): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  itemIds.forEach((itemId, i) => {
    const at = end - (itemIds.length - 1 - i) * 2 * HOUR_MS;
    events.push({ itemId, type: 'like', at: at - HOUR_MS });
    events.push({ itemId, type: 'purchase', at });
  });
  return events;
}

/** Interests of the synthetic users: six single, three mixed. */
const SYNTHETIC_USERS: readonly (readonly string[])[] = [
  ['outdoor'],
  ['kitchen'],
  ['beauty'],
  ['books'],
  ['electronics'],
  ['music'],
  ['garden', 'toys'],
  ['fashion', 'sports'],
  ['outdoor', 'books'],
];
/** Items per category kept out of every history and written about. */
const PROBES_PER_CATEGORY = 3;
const HISTORY_ITEMS = 12;

/**
 * Synthetic users on the demo catalog: twelve liked and bought items from their categories
 * (split evenly for a mixed user); three items per category of the catalog are written about.
 */
export function syntheticCohort(): Cohort {
  const items = demoItems();
  const groups = byCategory(items);
  const probeItems = [...groups.values()].flatMap((ids) => ids.slice(0, PROBES_PER_CATEGORY));
  const users = SYNTHETIC_USERS.map((interests, u): BenchUser => {
    const per = Math.ceil(HISTORY_ITEMS / interests.length);
    const picked = interests.flatMap((category, c) =>
      // Mixed users start at another offset, so two users never share a whole history.
      (groups.get(category) ?? []).slice(
        PROBES_PER_CATEGORY + c + (u % 3),
        PROBES_PER_CATEGORY + c + (u % 3) + per,
      ),
    );
    // Interleaved, so a mixed user's recent events are not all one interest.
    const ordered = [...picked].sort((a, b) =>
      (a.split('-').pop() ?? '').localeCompare(b.split('-').pop() ?? ''),
    );
    return {
      id: `synthetic-${u + 1}`,
      interests: [...interests],
      history: likeAndBuy(ordered, BENCH_EPOCH_MS),
    };
  });
  return { name: 'synthetic', items, users, probeItems, interestsOf: (item) => [item.category] };
}

/** Genre → the users' count of high ratings in it. */
function genreCounts(movies: readonly Movie[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const movie of movies) {
    for (const genre of movie.genres) counts.set(genre, (counts.get(genre) ?? 0) + 1);
  }
  return counts;
}

const MOVIELENS_USERS = 8;
const MOVIELENS_HISTORY = 20;
const MOVIELENS_PROBES = 36;
const TAGS_PER_MOVIE = 3;

/**
 * Real MovieLens users: those whose ratings of 4+ lean hardest to one genre, one user per
 * leading genre. Their first twenty ratings of 4+ are their history (as rating events); the
 * probes are popular movies none of them rated. A movie's facts are its title, year, genres
 * (the first as its category) and its most applied user tags.
 */
export function movielensCohort(dir: string): Cohort {
  const lens = loadMovieLens(dir);
  const movies = new Map(lens.movies.map((m) => [m.movieId, m]));
  const byUser = new Map<string, typeof lens.ratings>();
  for (const rating of lens.ratings) {
    byUser.set(rating.userId, [...(byUser.get(rating.userId) ?? []), rating]);
  }
  const candidates: { userId: string; genre: string; share: number; liked: string[] }[] = [];
  for (const [userId, ratings] of byUser) {
    const liked = ratings
      .filter((r) => r.rating >= 4)
      .sort((a, b) => a.timestamp - b.timestamp)
      .map((r) => r.itemId)
      .filter((id) => movies.has(id));
    if (liked.length < MOVIELENS_HISTORY) continue;
    const history = liked.slice(0, MOVIELENS_HISTORY);
    const counts = genreCounts(history.map((id) => movies.get(id)!));
    const [genre, count] = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
    candidates.push({ userId, genre, share: count / history.length, liked: history });
  }
  candidates.sort((a, b) => b.share - a.share || Number(a.userId) - Number(b.userId));
  const chosen: typeof candidates = [];
  for (const candidate of candidates) {
    if (chosen.length >= MOVIELENS_USERS) break;
    if (chosen.some((c) => c.genre === candidate.genre)) continue;
    chosen.push(candidate);
  }
  const rated = new Set(chosen.flatMap((c) => byUser.get(c.userId)!.map((r) => r.itemId)));
  const popularity = new Map<string, number>();
  for (const rating of lens.ratings) {
    popularity.set(rating.itemId, (popularity.get(rating.itemId) ?? 0) + 1);
  }
  const random = seededRandom(17);
  const popular = [...popularity]
    .filter(([id]) => !rated.has(id) && (movies.get(id)?.genres.length ?? 0) > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MOVIELENS_PROBES * 3)
    .map(([id]) => id)
    .sort(() => random() - 0.5)
    .slice(0, MOVIELENS_PROBES);
  const items = new Map<string, ItemPayload>();
  const needed = new Set([...chosen.flatMap((c) => c.liked), ...popular]);
  for (const id of needed) {
    const movie = movies.get(id)!;
    const tags = [...(lens.tags.get(id) ?? new Map<string, number>())]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, TAGS_PER_MOVIE)
      .map(([tag]) => tag);
    items.set(id, {
      itemId: id,
      title: movie.title,
      description: '',
      category: movie.genres[0]!.toLowerCase(),
      tags: [...movie.genres.map((g) => g.toLowerCase()), ...tags],
      price: 0,
      currency: '',
      inStock: true,
      attributes: movie.year === null ? {} : { year: movie.year },
      createdAt: BENCH_EPOCH_MS - 90 * DAY_MS,
      updatedAt: BENCH_EPOCH_MS - 90 * DAY_MS,
    });
  }
  const users = chosen.map((c): BenchUser => ({
    id: `movielens-${c.userId}`,
    interests: [c.genre.toLowerCase()],
    history: c.liked.map((itemId, i) => ({
      itemId,
      type: 'rating',
      value: 5,
      at: BENCH_EPOCH_MS - (c.liked.length - 1 - i) * HOUR_MS,
    })),
  }));
  return {
    name: 'movielens',
    items,
    users,
    probeItems: popular,
    // A movie is "in" a user's interests when any of its genres is theirs.
    interestsOf: (item) =>
      item.tags.filter((tag) =>
        movies.get(item.itemId)?.genres.some((g) => g.toLowerCase() === tag),
      ),
  };
}
