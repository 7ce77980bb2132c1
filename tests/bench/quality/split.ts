/** One rating as the dataset has it; `timestamp` in epoch milliseconds. */
export interface Rating {
  userId: string;
  itemId: string;
  rating: number;
  timestamp: number;
}

/** Options of {@link splitByUser}. */
export interface SplitOptions {
  /** Ratings from this value up are positives (MovieLens convention: 4 stars). */
  positiveMin: number;
  /** Share of each user's positives, the newest, held out as the test set. */
  testFraction: number;
}

export const DEFAULT_SPLIT: SplitOptions = { positiveMin: 4, testFraction: 0.2 };

/** One user's side of the split. */
export interface UserSplit {
  userId: string;
  /** Every rating (positive or not) before the first test positive, oldest first. */
  history: Rating[];
  /** Item ids of the held-out positives, oldest first. */
  test: string[];
}

/** Oldest first; ratings of the same second are ordered by item id so every run agrees. */
export function compareRatings(a: Rating, b: Rating): number {
  return a.timestamp - b.timestamp || compareIds(a.itemId, b.itemId);
}

/** Numeric ids in numeric order (MovieLens ids are numbers), others by code unit. */
export function compareIds(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (Number.isInteger(x) && Number.isInteger(y) && x !== y) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Per-user temporal split: each user's newest ⌈testFraction × positives⌉ positives are the test
 * set; everything the user rated before the first of them is history. Ratings after that point
 * that are not positives belong to neither side: they happened after the moment we predict
 * from. Users without a positive have nothing to predict and are left out. Users come back in
 * id order.
 */
export function splitByUser(
  ratings: readonly Rating[],
  options: SplitOptions = DEFAULT_SPLIT,
): UserSplit[] {
  if (!(options.testFraction > 0 && options.testFraction < 1)) {
    throw new RangeError(`testFraction must be between 0 and 1, got ${options.testFraction}`);
  }
  const byUser = new Map<string, Rating[]>();
  for (const rating of ratings) {
    const list = byUser.get(rating.userId);
    if (list === undefined) byUser.set(rating.userId, [rating]);
    else list.push(rating);
  }
  const splits: UserSplit[] = [];
  for (const userId of [...byUser.keys()].sort(compareIds)) {
    const sorted = [...byUser.get(userId)!].sort(compareRatings);
    const positiveAt = sorted.flatMap((r, index) =>
      r.rating >= options.positiveMin ? [index] : [],
    );
    if (positiveAt.length === 0) continue;
    const testCount = Math.ceil(positiveAt.length * options.testFraction);
    const testAt = positiveAt.slice(positiveAt.length - testCount);
    splits.push({
      userId,
      history: sorted.slice(0, testAt[0]),
      test: testAt.map((index) => sorted[index]!.itemId),
    });
  }
  return splits;
}

/**
 * Carves a validation split out of the history only, exactly as {@link splitByUser} carves the
 * test set from the whole: each user's history is split again with the same options, so tuning
 * sees the newest history positives as its targets and never reads a test item.
 */
export function splitHistoryForValidation(
  splits: readonly UserSplit[],
  options: SplitOptions = DEFAULT_SPLIT,
): UserSplit[] {
  return splitByUser(
    splits.flatMap((split) => split.history),
    options,
  );
}
