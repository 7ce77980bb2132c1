import { type RandomSource, standardNormal } from '@tailor/kit';

/**
 * A Gamma(shape, 1) draw by Marsaglia and Tsang's squeeze method (2000): exact, and about one
 * normal and one uniform a draw for every shape, which matters when a choice takes hundreds of
 * draws. Shapes below 1 use the boost Gamma(a) = Gamma(a + 1) · U^(1/a).
 */
export function gammaSample(shape: number, random: RandomSource): number {
  if (!(shape > 0)) throw new RangeError(`gamma shape must be positive, got ${shape}`);
  if (shape < 1) {
    const u = Math.max(random(), Number.MIN_VALUE);
    return gammaSample(shape + 1, random) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(Math.max(u, Number.MIN_VALUE)) < 0.5 * x * x + d * (1 - v + Math.log(v)))
      return d * v;
  }
}

/** A Beta(alpha, beta) draw as X / (X + Y) of two Gamma draws. */
export function betaSample(alpha: number, beta: number, random: RandomSource): number {
  const x = gammaSample(alpha, random);
  const y = gammaSample(beta, random);
  return x / (x + y);
}
