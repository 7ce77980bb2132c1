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

/**
 * Adds `scale × v vᵀ` to the lower triangle (diagonal included) of the k×k matrix `a`: all a
 * Cholesky factorization reads of a symmetric matrix, at half the cost of the whole square.
 */
export function addOuterLowerInPlace(a: Float64Array, v: ArrayLike<number>, scale: number): void {
  const k = v.length;
  for (let r = 0; r < k; r += 1) {
    const s = scale * v[r]!;
    if (s === 0) continue;
    const row = r * k;
    for (let c = 0; c <= r; c += 1) a[row + c]! += s * v[c]!;
  }
}

/** `out = a v` for the k×k matrix `a`. */
export function multiply(a: Float64Array, v: ArrayLike<number>, out: Float64Array): Float64Array {
  const k = out.length;
  const x = v instanceof Float64Array ? v : Float64Array.from(v);
  for (let r = 0; r < k; r += 1) out[r] = dotRange(a, r * k, x, 0, k);
  return out;
}

/** Σ a[i] b[i] for i in [from, from + length): four running sums, so the adds overlap. */
function dotRange(a: Float64Array, aFrom: number, b: Float64Array, bFrom: number, length: number) {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let p = 0;
  for (; p + 3 < length; p += 4) {
    s0 += a[aFrom + p]! * b[bFrom + p]!;
    s1 += a[aFrom + p + 1]! * b[bFrom + p + 1]!;
    s2 += a[aFrom + p + 2]! * b[bFrom + p + 2]!;
    s3 += a[aFrom + p + 3]! * b[bFrom + p + 3]!;
  }
  for (; p < length; p += 1) s0 += a[aFrom + p]! * b[bFrom + p]!;
  return s0 + s1 + s2 + s3;
}

/**
 * Overwrites the lower triangle of the symmetric positive definite k×k matrix `a` (only that
 * triangle is read) with its Cholesky factor L (a = L Lᵀ). False when `a` is not positive
 * definite (a caller's bug or a degenerate model: regularization keeps real systems definite).
 */
export function choleskyFactorInPlace(a: Float64Array, k: number): boolean {
  for (let j = 0; j < k; j += 1) {
    const rowJ = j * k;
    const diagonal = a[rowJ + j]! - dotRange(a, rowJ, a, rowJ, j);
    if (!(diagonal > 0)) return false;
    const l = Math.sqrt(diagonal);
    a[rowJ + j] = l;
    for (let i = j + 1; i < k; i += 1) {
      const rowI = i * k;
      a[rowI + j] = (a[rowI + j]! - dotRange(a, rowI, a, rowJ, j)) / l;
    }
  }
  return true;
}

/** Solves `L Lᵀ x = b` with the factor `choleskyFactorInPlace` left in `l`. */
export function choleskySubstitute(l: Float64Array, b: ArrayLike<number>): Float64Array {
  const k = b.length;
  const x = Float64Array.from(b);
  for (let i = 0; i < k; i += 1) {
    x[i] = (x[i]! - dotRange(l, i * k, x, 0, i)) / l[i * k + i]!;
  }
  for (let i = k - 1; i >= 0; i -= 1) {
    let sum = x[i]!;
    for (let p = i + 1; p < k; p += 1) sum -= l[p * k + i]! * x[p]!;
    x[i] = sum / l[i * k + i]!;
  }
  return x;
}

/**
 * Solves `a x = b` for a symmetric positive definite `a` (k×k) by Cholesky, reading only the
 * lower triangle of `a`, which is overwritten with its factor. Returns undefined when `a` is
 * not positive definite.
 */
export function choleskySolveInPlace(
  a: Float64Array,
  b: ArrayLike<number>,
): Float64Array | undefined {
  return choleskyFactorInPlace(a, b.length) ? choleskySubstitute(a, b) : undefined;
}
