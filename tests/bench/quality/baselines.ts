import type { UserSplit } from './split.js';

/**
 * The two reference recommenders, trained on the history side of the split only. Both rank
 * the whole catalog and skip the user's history; ties go to the more popular item, then to the
 * catalog order, so every run gives the same lists.
 */

/** A recommender the bench can ask for one user's top `k`. */
export interface Baseline {
  readonly name: string;
  rank(split: UserSplit, k: number): string[];
}

/** The training interactions: each user's history positives, as catalog indices. */
export interface TrainingData {
  /** Catalog item ids; an item's index is its position here. */
  itemIds: readonly string[];
  /** Per user, the distinct catalog indices of their history positives. */
  positives: ReadonlyMap<string, readonly number[]>;
  /** Per item index, how many users had it as a history positive. */
  popularity: Int32Array;
  index: ReadonlyMap<string, number>;
}

export function trainingData(
  splits: readonly UserSplit[],
  itemIds: readonly string[],
  positiveMin: number,
): TrainingData {
  const index = new Map(itemIds.map((id, i) => [id, i]));
  const popularity = new Int32Array(itemIds.length);
  const positives = new Map<string, number[]>();
  for (const split of splits) {
    const liked = new Set<number>();
    for (const rating of split.history) {
      const at = index.get(rating.itemId);
      if (at !== undefined && rating.rating >= positiveMin) liked.add(at);
    }
    const list = [...liked].sort((a, b) => a - b);
    for (const at of list) popularity[at] = popularity[at]! + 1;
    positives.set(split.userId, list);
  }
  return { itemIds, positives, popularity, index };
}

function historyIndices(data: TrainingData, split: UserSplit): Set<number> {
  const out = new Set<number>();
  for (const rating of split.history) {
    const at = data.index.get(rating.itemId);
    if (at !== undefined) out.add(at);
  }
  return out;
}

/** Every user gets the items most often liked in training, minus their own history. */
export class MostPopular implements Baseline {
  readonly name = 'MostPopular';
  private readonly order: number[];

  constructor(private readonly data: TrainingData) {
    const popularity = data.popularity;
    this.order = Array.from(data.itemIds, (_, i) => i).sort(
      (a, b) => popularity[b]! - popularity[a]! || a - b,
    );
  }

  rank(split: UserSplit, k: number): string[] {
    const history = historyIndices(this.data, split);
    const out: string[] = [];
    for (const at of this.order) {
      if (out.length >= k) break;
      if (!history.has(at)) out.push(this.data.itemIds[at]!);
    }
    return out;
  }
}

/**
 * Item-based k-nearest neighbours with the whole neighbourhood: sim(i, j) = |users who liked
 * both| / √(|liked i| · |liked j|) (cosine on binary user vectors), and a user's score for j is
 * the sum of sim(i, j) over the items i they liked. Only items someone liked in training can
 * score, so the co-occurrence matrix is built over those (a dense square of counts).
 */
export class ItemKnn implements Baseline {
  readonly name = 'ItemKNN';
  /** Catalog index → row in the matrix, or -1 for items nobody liked in training. */
  private readonly row: Int32Array;
  /** Row → catalog index. */
  private readonly items: Int32Array;
  private readonly co: Uint16Array;
  private readonly invSqrtCount: Float64Array;

  constructor(private readonly data: TrainingData) {
    const { popularity } = data;
    this.row = new Int32Array(data.itemIds.length).fill(-1);
    const items: number[] = [];
    popularity.forEach((count, at) => {
      if (count > 0) {
        this.row[at] = items.length;
        items.push(at);
      }
    });
    this.items = Int32Array.from(items);
    const n = items.length;
    if (data.positives.size > 65_535) {
      throw new RangeError('co-occurrence counts are 16-bit: at most 65,535 users');
    }
    this.co = new Uint16Array(n * n);
    for (const liked of data.positives.values()) {
      const rows = liked.map((at) => this.row[at]!);
      for (const a of rows) {
        const base = a * n;
        for (const b of rows) if (a !== b) this.co[base + b] = this.co[base + b]! + 1;
      }
    }
    this.invSqrtCount = Float64Array.from(items, (at) => 1 / Math.sqrt(popularity[at]!));
  }

  /** The number of items the matrix covers (items liked by someone in training). */
  get size(): number {
    return this.items.length;
  }

  rank(split: UserSplit, k: number): string[] {
    const n = this.items.length;
    const scores = new Float64Array(n);
    for (const at of this.data.positives.get(split.userId) ?? []) {
      const a = this.row[at]!;
      const weight = this.invSqrtCount[a]!;
      const base = a * n;
      for (let b = 0; b < n; b += 1) {
        const count = this.co[base + b]!;
        if (count !== 0) scores[b] = scores[b]! + count * weight;
      }
    }
    for (let b = 0; b < n; b += 1) scores[b] = scores[b]! * this.invSqrtCount[b]!;
    const history = historyIndices(this.data, split);
    const { popularity } = this.data;
    const candidates: number[] = [];
    for (let b = 0; b < n; b += 1) if (!history.has(this.items[b]!)) candidates.push(b);
    candidates.sort(
      (x, y) =>
        scores[y]! - scores[x]! ||
        popularity[this.items[y]!]! - popularity[this.items[x]!]! ||
        this.items[x]! - this.items[y]!,
    );
    return candidates.slice(0, k).map((b) => this.data.itemIds[this.items[b]!]!);
  }
}
