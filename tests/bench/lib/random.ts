import { type RandomSource, seededRandom, standardNormal } from '@tailor/kit';

/**
 * Synthetic data must be the same on every run and machine, and Math.random cannot be seeded:
 * the kit's seeded source is the one every bench draws from.
 */
export { seededRandom };

/** A standard normal draw (Box–Muller) from a uniform source. */
export const normal: (random: RandomSource) => number = standardNormal;

/** Picks by weight: `weights` need not sum to 1. */
export function weightedPick<T>(
  random: () => number,
  entries: readonly (readonly [T, number])[],
): T {
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let at = random() * total;
  for (const [value, weight] of entries) {
    at -= weight;
    if (at < 0) return value;
  }
  return entries[entries.length - 1]![0];
}
