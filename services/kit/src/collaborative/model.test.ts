import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { dot } from '../vectors.js';
import { choleskySolveInPlace } from './linalg.js';
import { type FactorModelParams, foldIn, foldInBasis, pairSignal, tasteVector } from './model.js';

/** Deterministic pseudo-random numbers in [-0.5, 0.5). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

const PARAMS: FactorModelParams = {
  alpha: 2,
  regularization: 0.05,
  frequencyScaled: true,
  unobservedWeight: 0.1,
};

function factors(rows: number, k: number, next: () => number): Float64Array[] {
  return Array.from({ length: rows }, () => Float64Array.from({ length: k }, next));
}

function gramOf(rows: readonly Float64Array[], k: number): Float64Array {
  const gram = new Float64Array(k * k);
  for (const y of rows)
    for (let r = 0; r < k; r += 1) for (let c = 0; c < k; c += 1) gram[r * k + c]! += y[r]! * y[c]!;
  return gram;
}

describe('choleskySolveInPlace', () => {
  it('solves a symmetric positive definite system', () => {
    const a = Float64Array.from([4, 2, 0.6, 2, 5, 1, 0.6, 1, 3]);
    const x = choleskySolveInPlace(Float64Array.from(a), [1, 2, 3])!;
    for (let r = 0; r < 3; r += 1) {
      const row = Array.from(a.subarray(r * 3, r * 3 + 3));
      assert.ok(Math.abs(dot(row, x) - [1, 2, 3][r]!) < 1e-12);
    }
  });

  it('refuses a matrix that is not positive definite', () => {
    assert.equal(choleskySolveInPlace(Float64Array.from([1, 2, 2, 1]), [1, 1]), undefined);
  });
});

describe('foldIn', () => {
  const k = 6;
  const items = factors(40, k, random(7));
  const gram = gramOf(items, k);
  const observed = new Map<number, number>([
    [3, 4],
    [11, 2],
    [17, -4],
    [25, 1],
    [30, -2],
  ]);
  const pairs = [...observed].map(([index, weight]) => ({ weight, factors: items[index]! }));

  it('equals the full least-squares solve over every item, observed or not', () => {
    const x = foldIn({ params: PARAMS, dimension: k, gram, otherSide: items.length, pairs })!;
    // The gradient of the whole loss, item by item with no Gram shortcut, vanishes at x.
    const lambda = PARAMS.regularization * (observed.size + PARAMS.unobservedWeight * items.length);
    const gradient = new Float64Array(k);
    items.forEach((y, index) => {
      const weight = observed.get(index);
      const { preference, confidence } =
        weight === undefined
          ? { preference: 0, confidence: PARAMS.unobservedWeight }
          : pairSignal(weight, PARAMS.alpha);
      const residual = dot(x, y) - preference;
      for (let d = 0; d < k; d += 1) gradient[d]! += confidence * residual * y[d]!;
    });
    for (let d = 0; d < k; d += 1) gradient[d]! += lambda * x[d]!;
    assert.ok(Math.max(...gradient.map(Math.abs)) < 1e-9, `gradient ${gradient.join(', ')}`);
  });

  it('scores a liked item above a disliked one', () => {
    const x = foldIn({ params: PARAMS, dimension: k, gram, otherSide: items.length, pairs })!;
    assert.ok(dot(x, items[3]!) > dot(x, items[17]!));
  });

  it('lowers an item the user then dislikes', () => {
    const before = foldIn({ params: PARAMS, dimension: k, gram, otherSide: items.length, pairs })!;
    const after = foldIn({
      params: PARAMS,
      dimension: k,
      gram,
      otherSide: items.length,
      pairs: [...pairs, { weight: -4, factors: items[8]! }],
    })!;
    assert.ok(dot(after, items[8]!) < dot(before, items[8]!));
  });

  it('has nothing to fold without a pair', () => {
    assert.equal(
      foldIn({ params: PARAMS, dimension: k, gram, otherSide: items.length, pairs: [] }),
      undefined,
    );
  });
});

describe('foldIn through the basis of its model (λ the same for every row)', () => {
  const k = 24;
  const params: FactorModelParams = { ...PARAMS, frequencyScaled: false, unobservedWeight: 1 };
  const items = factors(60, k, random(5));
  const gram = gramOf(items, k);
  const basis = foldInBasis(params, k, gram)!;
  const input = (weights: readonly number[], withBasis: boolean) => ({
    params,
    dimension: k,
    gram,
    otherSide: items.length,
    pairs: weights.map((weight, i) => ({ weight, factors: items[i * 3]! })),
    ...(withBasis ? { basis } : {}),
  });

  it('is the least-squares solve: the gradient of the whole loss vanishes', () => {
    const weights = [4, 2, -4, 1, 0.5, -1];
    const x = foldIn(input(weights, true))!;
    const gradient = new Float64Array(k);
    items.forEach((y, index) => {
      const weight = index % 3 === 0 ? weights[index / 3] : undefined;
      const { preference, confidence } =
        weight === undefined
          ? { preference: 0, confidence: params.unobservedWeight }
          : pairSignal(weight, params.alpha);
      const residual = dot(x, y) - preference;
      for (let d = 0; d < k; d += 1) gradient[d]! += confidence * residual * y[d]!;
    });
    for (let d = 0; d < k; d += 1) gradient[d]! += params.regularization * x[d]!;
    assert.ok(Math.max(...gradient.map(Math.abs)) < 1e-9, `gradient ${gradient.join(', ')}`);
  });

  it('agrees with the direct solve, with few pairs and with many', () => {
    for (const weights of [[3], [4, -2, 1, 5], Array.from({ length: 18 }, (_, i) => i - 6.5)]) {
      const low = foldIn(input(weights, true))!;
      const direct = foldIn(input(weights, false))!;
      for (let d = 0; d < k; d += 1) assert.ok(Math.abs(low[d]! - direct[d]!) < 1e-10);
    }
  });

  it('gives the same vectors when it reuses the products of counterparts it has met', () => {
    const shared = foldInBasis(params, k, gram)!;
    const named = (weights: readonly number[], at: (i: number) => Float64Array) => ({
      ...input(weights, false),
      pairs: weights.map((weight, i) => ({ weight, factors: at(i), id: `item-${i}` })),
      basis: shared,
    });
    const weights = [4, -2, 1, 5];
    const fresh = foldIn(input(weights, true))!;
    for (let round = 0; round < 2; round += 1) {
      const reused = foldIn(named(weights, (i) => items[i * 3]!))!;
      for (let d = 0; d < k; d += 1) assert.ok(Math.abs(reused[d]! - fresh[d]!) < 1e-12);
    }
    assert.equal(shared.projections.size, weights.length);
    // The same ids with other factors (a new model under the same gram): nothing stale is used.
    const moved = foldIn(named(weights, (i) => items[i * 3 + 1]!))!;
    const expected = foldIn({
      ...input(weights, false),
      pairs: weights.map((weight, i) => ({ weight, factors: items[i * 3 + 1]! })),
    })!;
    for (let d = 0; d < k; d += 1) assert.ok(Math.abs(moved[d]! - expected[d]!) < 1e-10);
  });

  it('is not made for a frequency-scaled model, whose λ differs per row', () => {
    assert.equal(foldInBasis({ ...params, frequencyScaled: true }, k, gram), undefined);
  });
});

describe('tasteVector', () => {
  const k = 6;
  const items = factors(40, k, random(11));
  const gram = gramOf(items, k);
  const input = (indices: readonly number[]) => ({
    params: PARAMS,
    dimension: k,
    gram,
    otherSide: items.length,
    pairs: indices.map((index) => ({ weight: 4, factors: items[index]! })),
  });
  // Newest first: the user liked 1 and 2 lately, 5 to 12 long ago.
  const history = [1, 2, 5, 6, 7, 8, 9, 10, 11, 12];

  it('is the plain fold-in when the recent term is off', () => {
    assert.deepEqual(tasteVector(input(history), { items: 0, weight: 4 }), foldIn(input(history)));
    assert.deepEqual(tasteVector(input(history), { items: 2, weight: 0 }), foldIn(input(history)));
  });

  it('is the weighted mean of the fold-ins over everything and over the newest items', () => {
    const whole = foldIn(input(history))!;
    const newest = foldIn(input([1, 2]))!;
    const taste = tasteVector(input(history), { items: 2, weight: 3 })!;
    for (let d = 0; d < k; d += 1)
      assert.ok(Math.abs(taste[d]! - (whole[d]! + 3 * newest[d]!) / 4) < 1e-12);
  });

  it('ranks what resembles the newest likes higher than the whole history alone does', () => {
    // An unseen item made of the two newest likes, against one made of two old likes.
    const likeNewest = items[1]!.map((v, d) => v + items[2]![d]!);
    const likeOldest = items[11]!.map((v, d) => v + items[12]![d]!);
    const margin = (x: Float64Array) => dot(x, likeNewest) - dot(x, likeOldest);
    const whole = foldIn(input(history))!;
    const taste = tasteVector(input(history), { items: 2, weight: 4 })!;
    assert.ok(margin(taste) > margin(whole), `${margin(taste)} vs ${margin(whole)}`);
  });
});
