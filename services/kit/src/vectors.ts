/**
 * Vector arithmetic on plain arrays, the one home for it: profiles, ranking, the embedders and
 * the factor model all read vectors the same way. Sums run in doubles whatever the storage type,
 * since profiles are sums of many small terms.
 */

/** Σ a[i] b[i]; a RangeError when the lengths differ, since that is always a caller's bug. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new RangeError(`vectors differ in length: ${a.length} and ${b.length}`);
  }
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += a[i]! * b[i]!;
  return sum;
}

/** Euclidean length. */
export function norm(vector: ArrayLike<number>): number {
  return Math.sqrt(dot(vector, vector));
}

/** Cosine similarity; 0 when either vector has no direction. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const lengths = norm(a) * norm(b);
  return lengths === 0 ? 0 : dot(a, b) / lengths;
}

/** True when every component is 0 (an empty profile part, for instance). */
export function isZero(vector: ArrayLike<number>): boolean {
  for (let i = 0; i < vector.length; i += 1) if (vector[i] !== 0) return false;
  return true;
}

/**
 * The vector scaled to length 1, or null when it has no direction (or is not finite). Doubles
 * unless `into` asks for Float32Array, which a query vector sent to a store is.
 */
export function unit(vector: ArrayLike<number>): Float64Array | null;
export function unit<T extends Float32Array | Float64Array>(
  vector: ArrayLike<number>,
  into: new (length: number) => T,
): T | null;
export function unit(
  vector: ArrayLike<number>,
  into: new (length: number) => Float32Array | Float64Array = Float64Array,
): Float32Array | Float64Array | null {
  const length = norm(vector);
  if (length === 0 || !Number.isFinite(length)) return null;
  const out = new into(vector.length);
  for (let i = 0; i < vector.length; i += 1) out[i] = vector[i]! / length;
  return out;
}

/**
 * Scales `vector` to length 1 in place and returns it; a zero vector stays zero (an embedder
 * answers every text, even one whose features cancel out).
 */
export function normalizeInPlace<T extends Float32Array | Float64Array>(vector: T): T {
  const length = norm(vector);
  if (length > 0) for (let i = 0; i < vector.length; i += 1) vector[i] = vector[i]! / length;
  return vector;
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
