import {
  dot,
  type FactorModelParams,
  foldIn,
  pairSignal,
  rowRegularization,
  seededRandom,
} from '@tailor/kit';

/** The interaction matrix in compressed rows, both ways: users × items and items × users. */
export interface InteractionMatrix {
  users: number;
  items: number;
  /** Row r's pairs are `index`/`weight` from `start[r]` to `start[r + 1]`. */
  byUser: SparseRows;
  byItem: SparseRows;
}

export interface SparseRows {
  start: Int32Array;
  index: Int32Array;
  weight: Float64Array;
}

/** One (user, item) pair with its summed event weight, by dense indices. */
export interface IndexedPair {
  user: number;
  item: number;
  weight: number;
}

function compress(
  rows: number,
  pairs: readonly IndexedPair[],
  row: (p: IndexedPair) => number,
  column: (p: IndexedPair) => number,
): SparseRows {
  const start = new Int32Array(rows + 1);
  for (const pair of pairs) start[row(pair) + 1]! += 1;
  for (let r = 0; r < rows; r += 1) start[r + 1]! += start[r]!;
  const fill = Int32Array.from(start.subarray(0, rows));
  const index = new Int32Array(pairs.length);
  const weight = new Float64Array(pairs.length);
  for (const pair of pairs) {
    const at = fill[row(pair)]!++;
    index[at] = column(pair);
    weight[at] = pair.weight;
  }
  return { start, index, weight };
}

/** Builds the matrix; each (user, item) must appear once (sum the weights beforehand). */
export function interactionMatrix(
  users: number,
  items: number,
  pairs: readonly IndexedPair[],
): InteractionMatrix {
  return {
    users,
    items,
    byUser: compress(
      users,
      pairs,
      (p) => p.user,
      (p) => p.item,
    ),
    byItem: compress(
      items,
      pairs,
      (p) => p.item,
      (p) => p.user,
    ),
  };
}

/** How a training run goes, besides the model's own {@link FactorModelParams}. */
export interface TrainingSettings extends FactorModelParams {
  /** k. */
  dimension: number;
  /** Alternating sweeps (users, then items). */
  epochs: number;
  /** Conjugate-gradient steps per row and sweep, warm-started from the row's last value. */
  cgSteps: number;
  /** Seeds the initial factors, so a run is reproducible. */
  seed: number;
}

export interface TrainedFactors {
  /** users × k, row-major. */
  userFactors: Float64Array;
  /** items × k, row-major. */
  itemFactors: Float64Array;
  /** Σ yyᵀ over the item factors, k×k: what folding a user in needs. */
  gram: Float64Array;
  /** The weighted loss after each epoch. */
  losses: number[];
}

function gramOf(factors: Float64Array, rows: number, k: number): Float64Array {
  const gram = new Float64Array(k * k);
  for (let r = 0; r < rows; r += 1) {
    const off = r * k;
    for (let i = 0; i < k; i += 1) {
      const v = factors[off + i]!;
      if (v === 0) continue;
      for (let j = i; j < k; j += 1) gram[i * k + j]! += v * factors[off + j]!;
    }
  }
  for (let i = 0; i < k; i += 1) for (let j = 0; j < i; j += 1) gram[i * k + j] = gram[j * k + i]!;
  return gram;
}

/**
 * One sweep over the rows of `target` with `other` fixed: a few conjugate-gradient steps on
 * each row's normal equations (Takács, Pilászy, Tikk 2011), the system applied without ever
 * forming it: A v = w₀ G v + Σ (c − w₀)(y·v) y + λ v.
 */
function sweep(
  rows: SparseRows,
  target: Float64Array,
  other: Float64Array,
  otherRows: number,
  settings: TrainingSettings,
): void {
  const k = settings.dimension;
  const w0 = settings.unobservedWeight;
  const gram = gramOf(other, otherRows, k);
  const residual = new Float64Array(k);
  const direction = new Float64Array(k);
  const product = new Float64Array(k);
  const x = new Float64Array(k);
  const rowCount = rows.start.length - 1;

  const apply = (v: Float64Array, from: number, to: number, lambda: number, out: Float64Array) => {
    for (let i = 0; i < k; i += 1) {
      let sum = 0;
      for (let j = 0; j < k; j += 1) sum += gram[i * k + j]! * v[j]!;
      out[i] = w0 * sum + lambda * v[i]!;
    }
    for (let p = from; p < to; p += 1) {
      const off = rows.index[p]! * k;
      const { confidence } = pairSignal(rows.weight[p]!, settings.alpha);
      let yv = 0;
      for (let d = 0; d < k; d += 1) yv += other[off + d]! * v[d]!;
      const s = (confidence - w0) * yv;
      for (let d = 0; d < k; d += 1) out[d]! += s * other[off + d]!;
    }
  };

  for (let r = 0; r < rowCount; r += 1) {
    const from = rows.start[r]!;
    const to = rows.start[r + 1]!;
    if (from === to) continue;
    const lambda = rowRegularization(settings, to - from, otherRows);
    for (let d = 0; d < k; d += 1) x[d] = target[r * k + d]!;
    // residual = b − A x, with b = Σ c p y.
    apply(x, from, to, lambda, product);
    for (let d = 0; d < k; d += 1) residual[d] = -product[d]!;
    for (let p = from; p < to; p += 1) {
      const { preference, confidence } = pairSignal(rows.weight[p]!, settings.alpha);
      if (preference === 0) continue;
      const off = rows.index[p]! * k;
      for (let d = 0; d < k; d += 1) residual[d]! += confidence * other[off + d]!;
    }
    direction.set(residual);
    let rsOld = dot(residual, residual);
    for (let step = 0; step < settings.cgSteps && rsOld > 1e-20; step += 1) {
      apply(direction, from, to, lambda, product);
      const alpha = rsOld / dot(direction, product);
      for (let d = 0; d < k; d += 1) {
        x[d]! += alpha * direction[d]!;
        residual[d]! -= alpha * product[d]!;
      }
      const rsNew = dot(residual, residual);
      const beta = rsNew / rsOld;
      for (let d = 0; d < k; d += 1) direction[d] = residual[d]! + beta * direction[d]!;
      rsOld = rsNew;
    }
    for (let d = 0; d < k; d += 1) target[r * k + d] = x[d]!;
  }
}

/**
 * The weighted loss: Σ_observed c (p − s)² + w₀ Σ_unobserved s² + Σ_rows λ_row ‖row‖², the
 * unobserved part through the Gram matrices so the cost stays linear in the pairs.
 */
export function weightedLoss(
  matrix: InteractionMatrix,
  factors: Pick<TrainedFactors, 'userFactors' | 'itemFactors'>,
  settings: TrainingSettings,
): number {
  const k = settings.dimension;
  const { userFactors, itemFactors } = factors;
  const w0 = settings.unobservedWeight;
  const itemGram = gramOf(itemFactors, matrix.items, k);
  let loss = 0;
  for (let u = 0; u < matrix.users; u += 1) {
    const x = userFactors.subarray(u * k, u * k + k);
    // w₀ × Σ over every item of s², then observed pairs corrected to their own weight.
    let all = 0;
    for (let i = 0; i < k; i += 1) {
      let sum = 0;
      for (let j = 0; j < k; j += 1) sum += itemGram[i * k + j]! * x[j]!;
      all += x[i]! * sum;
    }
    loss += w0 * all;
    const from = matrix.byUser.start[u]!;
    const to = matrix.byUser.start[u + 1]!;
    for (let p = from; p < to; p += 1) {
      const y = itemFactors.subarray(matrix.byUser.index[p]! * k, matrix.byUser.index[p]! * k + k);
      const s = dot(x, y);
      const { preference, confidence } = pairSignal(matrix.byUser.weight[p]!, settings.alpha);
      loss += confidence * (preference - s) ** 2 - w0 * s * s;
    }
    if (to > from) loss += rowRegularization(settings, to - from, matrix.items) * dot(x, x);
  }
  for (let i = 0; i < matrix.items; i += 1) {
    const observed = matrix.byItem.start[i + 1]! - matrix.byItem.start[i]!;
    if (observed === 0) continue;
    const y = itemFactors.subarray(i * k, i * k + k);
    loss += rowRegularization(settings, observed, matrix.users) * dot(y, y);
  }
  return loss;
}

/** Fits user and item factors by alternating least squares with conjugate-gradient rows. */
export function trainFactors(
  matrix: InteractionMatrix,
  settings: TrainingSettings,
  onEpoch?: (epoch: number, loss: number) => void,
): TrainedFactors {
  const k = settings.dimension;
  // Seeded: the initial factors, and so the model, are the same on every run.
  const next = seededRandom(settings.seed);
  // Rendle et al. 2021: small normal-ish initial values, scaled by 1/√k.
  const scale = 0.1 / Math.sqrt(k);
  const init = (rows: number) =>
    Float64Array.from({ length: rows * k }, () => (next() + next() + next() - 1.5) * 2 * scale);
  const userFactors = init(matrix.users);
  const itemFactors = init(matrix.items);
  const losses: number[] = [];
  for (let epoch = 0; epoch < settings.epochs; epoch += 1) {
    sweep(matrix.byUser, userFactors, itemFactors, matrix.items, settings);
    sweep(matrix.byItem, itemFactors, userFactors, matrix.users, settings);
    const loss = weightedLoss(matrix, { userFactors, itemFactors }, settings);
    losses.push(loss);
    onEpoch?.(epoch + 1, loss);
  }
  return { userFactors, itemFactors, gram: gramOf(itemFactors, matrix.items, k), losses };
}

/** The exact row of user `u` against the trained item factors (what profiles compute live). */
export function foldInUser(
  matrix: InteractionMatrix,
  model: TrainedFactors,
  settings: TrainingSettings,
  u: number,
): Float64Array | undefined {
  const k = settings.dimension;
  const pairs = [];
  for (let p = matrix.byUser.start[u]!; p < matrix.byUser.start[u + 1]!; p += 1) {
    const i = matrix.byUser.index[p]!;
    pairs.push({
      weight: matrix.byUser.weight[p]!,
      factors: model.itemFactors.subarray(i * k, i * k + k),
    });
  }
  return foldIn({
    params: settings,
    dimension: k,
    gram: model.gram,
    otherSide: matrix.items,
    pairs,
  });
}
