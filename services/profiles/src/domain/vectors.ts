/** Vector arithmetic on plain arrays, in doubles: profiles are sums of many small terms. */

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new RangeError(`vectors differ in length: ${a.length} and ${b.length}`);
  }
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += a[i]! * b[i]!;
  return sum;
}

export function norm(vector: ArrayLike<number>): number {
  return Math.sqrt(dot(vector, vector));
}

/** Cosine similarity; 0 when either vector has no direction. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const lengths = norm(a) * norm(b);
  return lengths === 0 ? 0 : dot(a, b) / lengths;
}

/** The vector scaled to length 1, or null when it has no direction (or is not finite). */
export function unit(vector: ArrayLike<number>): Float64Array | null {
  const length = norm(vector);
  if (length === 0 || !Number.isFinite(length)) return null;
  const out = new Float64Array(vector.length);
  for (let i = 0; i < vector.length; i += 1) out[i] = vector[i]! / length;
  return out;
}

/** target ← target × factor. */
export function scaleInPlace(target: Float64Array, factor: number): void {
  for (let i = 0; i < target.length; i += 1) target[i] = target[i]! * factor;
}

/** target ← target + factor × source. */
export function addScaledInPlace(
  target: Float64Array,
  source: ArrayLike<number>,
  factor: number,
): void {
  if (target.length !== source.length) {
    throw new RangeError(`vectors differ in length: ${target.length} and ${source.length}`);
  }
  for (let i = 0; i < target.length; i += 1) target[i] = target[i]! + factor * source[i]!;
}

export function isZero(vector: ArrayLike<number>): boolean {
  for (let i = 0; i < vector.length; i += 1) if (vector[i] !== 0) return false;
  return true;
}
