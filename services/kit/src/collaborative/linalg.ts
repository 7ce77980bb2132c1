/**
 * Dense linear algebra on small k×k systems, row-major Float64Arrays. The factor models here
 * have k ≤ 256, so a hand-written Cholesky beats pulling in a BLAS binding.
 */

/** Adds `scale × v vᵀ` to the k×k matrix `a`, in place. */
export function addOuterInPlace(a: Float64Array, v: ArrayLike<number>, scale: number): void {
  const k = v.length;
  for (let r = 0; r < k; r += 1) {
    const s = scale * v[r]!;
    if (s === 0) continue;
    const row = r * k;
    for (let c = 0; c < k; c += 1) a[row + c]! += s * v[c]!;
  }
}

/** `out += scale × v`, in place. */
export function addScaled(out: Float64Array, v: ArrayLike<number>, scale: number): void {
  for (let i = 0; i < out.length; i += 1) out[i]! += scale * v[i]!;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += a[i]! * b[i]!;
  return sum;
}

/** `out = a v` for the k×k matrix `a`. */
export function multiply(a: Float64Array, v: ArrayLike<number>, out: Float64Array): Float64Array {
  const k = out.length;
  for (let r = 0; r < k; r += 1) {
    let sum = 0;
    const row = r * k;
    for (let c = 0; c < k; c += 1) sum += a[row + c]! * v[c]!;
    out[r] = sum;
  }
  return out;
}

/**
 * Solves `a x = b` for a symmetric positive definite `a` (k×k) by Cholesky. `a` is overwritten
 * with its factor. Returns undefined when `a` is not positive definite (a caller's bug or a
 * degenerate model: regularization keeps real systems definite).
 */
export function choleskySolveInPlace(
  a: Float64Array,
  b: ArrayLike<number>,
): Float64Array | undefined {
  const k = b.length;
  for (let j = 0; j < k; j += 1) {
    let diagonal = a[j * k + j]!;
    for (let p = 0; p < j; p += 1) diagonal -= a[j * k + p]! ** 2;
    if (!(diagonal > 0)) return undefined;
    const l = Math.sqrt(diagonal);
    a[j * k + j] = l;
    for (let i = j + 1; i < k; i += 1) {
      let sum = a[i * k + j]!;
      for (let p = 0; p < j; p += 1) sum -= a[i * k + p]! * a[j * k + p]!;
      a[i * k + j] = sum / l;
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < k; i += 1) {
    let sum = x[i]!;
    for (let p = 0; p < i; p += 1) sum -= a[i * k + p]! * x[p]!;
    x[i] = sum / a[i * k + i]!;
  }
  for (let i = k - 1; i >= 0; i -= 1) {
    let sum = x[i]!;
    for (let p = i + 1; p < k; p += 1) sum -= a[p * k + i]! * x[p]!;
    x[i] = sum / a[i * k + i]!;
  }
  return x;
}
