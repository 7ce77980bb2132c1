/**
 * How much a tag says about a user's taste, from how many catalog items carry it: a tag on
 * a handful of items ("tennis") says a lot, one on a quarter of the catalog ("premium", "gift")
 * says little, yet would otherwise top every profile, since it rides along with every category.
 * Smoothed inverse document frequency, scaled to (0, 1]: 1 for a tag on one item, falling
 * towards ln(1 + 1/N) / ln(N + 1) for a tag on every item (never 0, so tiny catalogs still
 * learn something).
 */
export function tagSpecificity(itemsWithTag: number, catalogSize: number): number {
  const n = Math.max(1, catalogSize);
  const df = Math.min(n, Math.max(1, itemsWithTag));
  if (n === 1) return 1;
  return Math.log((n + 1) / df) / Math.log(n + 1);
}
