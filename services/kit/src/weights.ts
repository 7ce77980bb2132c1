/** A name and its weight, as `Object.entries` gives them for a weight map. */
export type WeightEntry = readonly [name: string, weight: number];

/** Orders names by UTF-16 code units: the same on every machine, unlike `localeCompare`. */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts `entries` in place strongest first, equal weights by name, and returns the first
 * `limit` (all of them when absent). The weights must be numbers (no NaN): callers drop what
 * does not count before ranking. Names go by code units unless `compareNames` says otherwise,
 * so the cut at `limit` is deterministic.
 */
export function strongestFirst<E extends WeightEntry>(
  entries: E[],
  limit = Infinity,
  compareNames: (a: string, b: string) => number = byCodeUnits,
): E[] {
  entries.sort((a, b) => b[1] - a[1] || compareNames(a[0], b[0]));
  return limit < entries.length ? entries.slice(0, limit) : entries;
}
