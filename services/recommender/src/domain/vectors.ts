import type { Vector } from '@tailor/kit';

/** Euclidean length. */
export function norm(vector: Vector): number {
  let sum = 0;
  for (let i = 0; i < vector.length; i += 1) sum += vector[i]! * vector[i]!;
  return Math.sqrt(sum);
}

/** True when every component is 0 (an empty profile part, for instance). */
export function isZero(vector: Vector): boolean {
  for (let i = 0; i < vector.length; i += 1) if (vector[i] !== 0) return false;
  return true;
}

/** The vector scaled to length 1, or null when it has no direction. */
export function unit(vector: Vector): Float32Array | null {
  const length = norm(vector);
  if (length === 0 || !Number.isFinite(length)) return null;
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i += 1) out[i] = vector[i]! / length;
  return out;
}

export function dot(a: Vector, b: Vector): number {
  if (a.length !== b.length) {
    throw new RangeError(`vectors differ in length: ${a.length} and ${b.length}`);
  }
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += a[i]! * b[i]!;
  return sum;
}

/** Cosine similarity; 0 when either vector has no direction. */
export function cosine(a: Vector, b: Vector): number {
  const lengths = norm(a) * norm(b);
  return lengths === 0 ? 0 : dot(a, b) / lengths;
}

/**
 * The query vector of a profile: normalize(α·unit(short) + (1−α)·unit(long)). Both parts are
 * made unit first so that the long-term vector, a decayed sum that grows with history, does not
 * drown the session. A part with no direction is dropped, leaving the other alone; null when
 * neither has one (a cold-start profile).
 */
export function blendQueryVector(
  long: Vector | undefined,
  short: Vector | undefined,
  shortTermWeight: number,
): Float32Array | null {
  const l = long === undefined ? null : unit(long);
  const s = short === undefined ? null : unit(short);
  if (l === null) return s;
  if (s === null) return l;
  if (l.length !== s.length) {
    throw new RangeError(`profile vectors differ in length: ${l.length} and ${s.length}`);
  }
  const mixed = new Float32Array(l.length);
  for (let i = 0; i < l.length; i += 1) {
    mixed[i] = shortTermWeight * s[i]! + (1 - shortTermWeight) * l[i]!;
  }
  // Opposite parts can cancel out; then the long-term taste is the better guess.
  return unit(mixed) ?? l;
}
