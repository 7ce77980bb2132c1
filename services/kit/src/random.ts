/**
 * A source of uniform numbers in [0, 1). Code that draws at random takes one of these instead
 * of calling Math.random, so tests and benchmarks can pass a seeded one and get the same draws
 * on every run and machine.
 */
export type RandomSource = () => number;

/** A small seeded PRNG (mulberry32): fast, 32 bits of state, good enough for simulation. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A standard normal draw (Box–Muller) from a uniform source. */
export function standardNormal(random: RandomSource): number {
  const u = Math.max(random(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
