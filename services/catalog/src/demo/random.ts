/** A seeded source of randomness: same seed, same sequence, on every platform. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform whole number in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(list: readonly T[]): T;
  /** `count` distinct elements in random order (all of them when the list is shorter). */
  sample<T>(list: readonly T[], count: number): T[];
}

/**
 * A Weyl sequence (a step by the 32-bit golden ratio) scrambled by a 32-bit avalanche mix.
 * Only 32-bit integer arithmetic is used (`Math.imul`, shifts), so results do not depend on
 * floating-point details; it is plenty for demo data and nothing for cryptography.
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 0x1_0000_0000;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (list) => {
      if (list.length === 0) throw new RangeError('cannot pick from an empty list');
      return list[int(0, list.length - 1)]!;
    },
    sample: (list, count) => {
      const pool = [...list];
      // A partial Fisher-Yates shuffle: the first `count` slots end up a uniform sample.
      const n = Math.min(count, pool.length);
      for (let i = 0; i < n; i += 1) {
        const j = int(i, pool.length - 1);
        [pool[i], pool[j]] = [pool[j]!, pool[i]!];
      }
      return pool.slice(0, n);
    },
  };
}
