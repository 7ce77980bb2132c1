import { LRUCache } from 'lru-cache';

import { addScaledInPlace, dot } from '../vectors.js';
import {
  addOuterLowerInPlace,
  choleskyFactorInPlace,
  choleskySolveInPlace,
  choleskySubstitute,
  multiply,
} from './linalg.js';

/**
 * The implicit-feedback factor model's hyper-parameters (Hu, Koren, Volinsky 2008, with the
 * unobserved weight and frequency-scaled regularization of Rendle et al. 2021). The trainer fits
 * with them and publishes them with the model, so a fold-in solves the very same problem.
 */
export interface FactorModelParams {
  /** Confidence of an observed pair: 1 + alpha × |weight|. */
  alpha: number;
  /** L2 regularization λ. */
  regularization: number;
  /** When true, a row's λ is λ × (observed + unobservedWeight × rows of the other side). */
  frequencyScaled: boolean;
  /** Weight of each unobserved pair (preference 0) relative to an observed pair's 1. */
  unobservedWeight: number;
}

/** A user's (or an item's) aggregated signal on one counterpart: the sum of its event weights. */
export interface WeightedInteraction {
  itemId: string;
  /** Signed: positive pulls the pair towards preference 1, negative asserts preference 0. */
  weight: number;
}

/**
 * Preference and confidence of a pair with this summed weight. A negative weight (dislike,
 * skip, a low rating) is an observed "no": preference 0 held with more confidence than an
 * unobserved pair's, so the model pushes that item down rather than merely not up.
 */
export function pairSignal(
  weight: number,
  alpha: number,
): { preference: 0 | 1; confidence: number } {
  return { preference: weight > 0 ? 1 : 0, confidence: 1 + alpha * Math.abs(weight) };
}

/** λ of one row with `observed` pairs against `otherSide` rows of the other factor matrix. */
export function rowRegularization(
  params: FactorModelParams,
  observed: number,
  otherSide: number,
): number {
  return params.frequencyScaled
    ? params.regularization * (observed + params.unobservedWeight * otherSide)
    : params.regularization;
}

/** What folding one row in against fixed factors of the other side needs. */
export interface FoldInInput {
  params: FactorModelParams;
  /** k. */
  dimension: number;
  /** ΣyyT over every row of the other side, k×k row-major (the model's Gram matrix). */
  gram: ArrayLike<number>;
  /** Rows of the other side in the model (for the frequency-scaled λ). */
  otherSide: number;
  /**
   * The row's pairs with the other side's factors; pairs without factors are left out. `id`
   * names the counterpart, so its B⁻¹y can be reused from the basis (see FoldInBasis).
   */
  pairs: readonly { weight: number; factors: ArrayLike<number>; id?: string }[];
  /** What every row folded against this model shares (see {@link foldInBasis}), if computed. */
  basis?: FoldInBasis;
}

/**
 * (w₀G + λI)⁻¹ of one model, for a model whose λ is the same for every row (not
 * frequency-scaled): every row's system is that matrix plus one rank-one term per pair, so a
 * row with few pairs is solved through it (Woodbury) in O(n k²) instead of O(k³).
 */
export interface FoldInBasis {
  /** k×k, row-major. */
  inverse: Float64Array;
  /**
   * B⁻¹y of counterparts already met, by id, with the factors y it was computed from: every row
   * with that counterpart needs the same product, and it was most of a low-rank solve's cost.
   * Used only while the factors given are those very numbers. At most
   * {@link PROJECTIONS_KEPT} entries; the least recently used go first.
   */
  projections: LRUCache<string, { factors: Float64Array; projected: Float64Array }>;
}

/** Bound of {@link FoldInBasis.projections}: 10,000 × 2k doubles (20 MB at k = 128). */
export const PROJECTIONS_KEPT = 10_000;

function sameNumbers(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** B⁻¹y for the pair's factors, from the basis's cache when it holds the same factors. */
function projectionOf(
  basis: FoldInBasis,
  pair: { factors: ArrayLike<number>; id?: string },
  k: number,
): Float64Array {
  const cached = pair.id === undefined ? undefined : basis.projections.get(pair.id);
  if (cached !== undefined && sameNumbers(cached.factors, pair.factors)) return cached.projected;
  const projected = multiply(basis.inverse, pair.factors, new Float64Array(k));
  if (pair.id !== undefined) {
    basis.projections.set(pair.id, { factors: Float64Array.from(pair.factors), projected });
  }
  return projected;
}

/**
 * The basis of fold-ins against one model, k³ once per model; undefined when the model is
 * frequency-scaled (λ then differs per row) or the matrix is not positive definite.
 */
export function foldInBasis(
  params: FactorModelParams,
  dimension: number,
  gram: ArrayLike<number>,
): FoldInBasis | undefined {
  if (params.frequencyScaled) return undefined;
  const k = dimension;
  const a = new Float64Array(k * k);
  for (let i = 0; i < k * k; i += 1) a[i] = params.unobservedWeight * gram[i]!;
  for (let d = 0; d < k; d += 1) a[d * k + d]! += params.regularization;
  if (!choleskyFactorInPlace(a, k)) return undefined;
  const inverse = new Float64Array(k * k);
  const unit = new Float64Array(k);
  for (let c = 0; c < k; c += 1) {
    unit.fill(0);
    unit[c] = 1;
    const column = choleskySubstitute(a, unit);
    for (let r = 0; r < k; r += 1) inverse[r * k + c] = column[r]!;
  }
  return { inverse, projections: new LRUCache({ max: PROJECTIONS_KEPT }) };
}

/**
 * Rows with at most this share of k pairs are folded in through the basis: n k² + n² k + n³/6
 * against k³/6 + n k²/2 for the direct solve, so the low-rank route wins below about k/3.
 */
const LOW_RANK_SHARE = 0.25;

/**
 * What the low-rank solves over a row's pairs share: uᵢ = √(cᵢ − w₀) yᵢ, Z = B⁻¹U (one k×k
 * product per counterpart, kept in the basis for the next rows) and S = I + Uᵀ Z, each row i of
 * them for pair i. A solve
 * over the first m pairs (the recent-taste one) reuses the first m rows and S's leading block.
 */
interface LowRankTerms {
  n: number;
  z: Float64Array;
  /** n×n, lower triangle. */
  s: Float64Array;
}

/** Undefined when the low-rank route does not apply to this row (see {@link foldIn}). */
function lowRankTerms(input: FoldInInput): LowRankTerms | undefined {
  const { params, dimension: k, pairs, basis } = input;
  const n = pairs.length;
  if (basis === undefined || params.frequencyScaled || n === 0 || n > LOW_RANK_SHARE * k) {
    return undefined;
  }
  const w0 = params.unobservedWeight;
  const u = new Float64Array(n * k);
  const z = new Float64Array(n * k);
  for (let i = 0; i < n; i += 1) {
    const pair = pairs[i]!;
    const { confidence } = pairSignal(pair.weight, params.alpha);
    if (confidence < w0) return undefined;
    const scale = Math.sqrt(confidence - w0);
    // B⁻¹(s y) = s B⁻¹y: the product per counterpart, not per row and pair.
    const projected = projectionOf(basis, pair, k);
    for (let d = 0; d < k; d += 1) {
      u[i * k + d] = scale * pair.factors[d]!;
      z[i * k + d] = scale * projected[d]!;
    }
  }
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    const ui = u.subarray(i * k, i * k + k);
    for (let j = 0; j <= i; j += 1) s[i * n + j] = dot(ui, z.subarray(j * k, j * k + k));
    s[i * n + i]! += 1;
  }
  return { n, z, s };
}

/**
 * The fold-in over the first `count` pairs by the Woodbury identity: with B = w₀G + λI,
 * (B + U Uᵀ)⁻¹ b = B⁻¹b − Z (I + Uᵀ Z)⁻¹ Zᵀ b. The same exact solve as the direct one, up to
 * rounding.
 */
function lowRankSolve(
  input: FoldInInput,
  basis: FoldInBasis,
  terms: LowRankTerms,
  count: number,
): Float64Array | undefined {
  const { params, dimension: k, pairs } = input;
  const { n, z } = terms;
  const b = new Float64Array(k);
  for (let i = 0; i < count; i += 1) {
    const pair = pairs[i]!;
    const { preference, confidence } = pairSignal(pair.weight, params.alpha);
    if (preference === 1) addScaledInPlace(b, pair.factors, confidence);
  }
  const s = new Float64Array(count * count);
  const t = new Float64Array(count);
  for (let i = 0; i < count; i += 1) {
    for (let j = 0; j <= i; j += 1) s[i * count + j] = terms.s[i * n + j]!;
    t[i] = dot(z.subarray(i * k, i * k + k), b);
  }
  const v = choleskySolveInPlace(s, t);
  if (v === undefined) return undefined;
  const x = multiply(basis.inverse, b, new Float64Array(k));
  for (let i = 0; i < count; i += 1) {
    const vi = v[i]!;
    for (let d = 0; d < k; d += 1) x[d]! -= vi * z[i * k + d]!;
  }
  return x;
}

/** The direct solve: the k×k system built (lower triangle) and factored. */
function directFoldIn(input: FoldInInput): Float64Array | undefined {
  const { params, dimension: k, gram, pairs } = input;
  const w0 = params.unobservedWeight;
  const a = new Float64Array(k * k);
  for (let r = 0; r < k; r += 1) {
    for (let c = 0; c <= r; c += 1) a[r * k + c] = w0 * gram[r * k + c]!;
  }
  const b = new Float64Array(k);
  for (const pair of pairs) {
    const { preference, confidence } = pairSignal(pair.weight, params.alpha);
    addOuterLowerInPlace(a, pair.factors, confidence - w0);
    if (preference === 1) addScaledInPlace(b, pair.factors, confidence);
  }
  const lambda = rowRegularization(params, pairs.length, input.otherSide);
  for (let d = 0; d < k; d += 1) a[d * k + d]! += lambda;
  return choleskySolveInPlace(a, b);
}

/** The fold-in over the first `count` pairs, through `terms` when they were made. */
function foldFirst(
  input: FoldInInput,
  terms: LowRankTerms | undefined,
  count: number,
): Float64Array | undefined {
  if (terms !== undefined && input.basis !== undefined) {
    const x = lowRankSolve(input, input.basis, terms, count);
    if (x !== undefined) return x;
  }
  return count === input.pairs.length
    ? directFoldIn(input)
    : foldIn({ ...input, pairs: input.pairs.slice(0, count) });
}

/**
 * The exact least-squares row for fixed factors of the other side: minimizes
 * Σ_observed c (p − x·y)² + w₀ Σ_unobserved (x·y)² + λ‖x‖² by solving
 * (w₀G + Σ (c − w₀) y yᵀ + λI) x = Σ c p y with a Cholesky factorization.
 * Undefined when no pair has factors: nothing to fold.
 */
export function foldIn(input: FoldInInput): Float64Array | undefined {
  if (input.pairs.length === 0) return undefined;
  return foldFirst(input, lowRankTerms(input), input.pairs.length);
}

/**
 * How the user's newest interactions weigh beside the whole history in the user's `cf` vector.
 * The exact fold-in over everything answers "what does this user like"; a second fold-in over
 * the newest few answers "what are they into now", and next items follow both: on MovieLens'
 * temporal split the chosen taste lifts NDCG@10 by about 5% on each of two validation folds
 * (`npm run bench:tune`, which prefers a gain most users share over a larger mean one).
 */
export interface RecentTaste {
  /** The newest interactions folded in a second time; 0 turns the recent term off. */
  items: number;
  /** Weight of that recent vector added to the full one. */
  weight: number;
}

/** Chosen on the validation split by `npm run bench:tune` (tests/bench/results/tune.json). */
export const DEFAULT_RECENT_TASTE: Readonly<RecentTaste> = Object.freeze({ items: 12, weight: 1 });

/**
 * The user's query vector: the exact fold-in over all `pairs` (newest first) and the fold-in
 * over the newest `recent.items` of them, averaged with weights 1 and `recent.weight`. Both
 * solve the same problem, so their dot with an item's factors are two predicted preferences
 * and the vector's is their weighted mean, still on the preference scale (1 = liked).
 */
export function tasteVector(input: FoldInInput, recent: RecentTaste): Float64Array | undefined {
  if (input.pairs.length === 0) return undefined;
  // Both solves share the terms of the newest pairs when the low-rank route applies.
  const terms = lowRankTerms(input);
  const whole = foldFirst(input, terms, input.pairs.length);
  if (whole === undefined || recent.items === 0 || recent.weight === 0) return whole;
  const newest = foldFirst(input, terms, Math.min(recent.items, input.pairs.length))!;
  const share = recent.weight / (1 + recent.weight);
  for (let d = 0; d < whole.length; d += 1) {
    whole[d] = (1 - share) * whole[d]! + share * newest[d]!;
  }
  return whole;
}
