import { unit, type Vector } from '@tailor/kit';

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
  const l = long === undefined ? null : unit(long, Float32Array);
  const s = short === undefined ? null : unit(short, Float32Array);
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
  return unit(mixed, Float32Array) ?? l;
}
