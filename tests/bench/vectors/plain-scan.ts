/**
 * The yardstick of bench:vectors: the exact top-k search a person would write by hand over one
 * Float32Array of normalized vectors, with nothing of the store in it (its own heap, its own
 * loops), so the ratio says what the store's bookkeeping costs on top of the arithmetic.
 */

/** Rows of `dimension` floats, one per item, with the payload fields a filter looks at. */
export interface PlainCatalog {
  vectors: Float32Array;
  dimension: number;
  count: number;
  inStock: readonly boolean[];
  category: readonly string[];
}

/** The hand-written filter: a plain field check before the dot product. */
export type PlainFilter = ((catalog: PlainCatalog, row: number) => boolean) | null;

export interface PlainHit {
  row: number;
  score: number;
}

/** A binary min-heap of the best `k` (score, row) pairs: the root is the worst kept. */
class Heap {
  readonly scores: Float64Array;
  readonly rows: Int32Array;
  size = 0;

  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.rows = new Int32Array(k);
  }

  offer(score: number, row: number): void {
    if (this.size < this.k) {
      let i = this.size;
      this.size += 1;
      while (i > 0) {
        const up = (i - 1) >> 1;
        if (this.scores[up]! <= score) break;
        this.scores[i] = this.scores[up]!;
        this.rows[i] = this.rows[up]!;
        i = up;
      }
      this.scores[i] = score;
      this.rows[i] = row;
      return;
    }
    if (score <= this.scores[0]!) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && this.scores[right]! < this.scores[left]! ? right : left;
      if (this.scores[child]! >= score) break;
      this.scores[i] = this.scores[child]!;
      this.rows[i] = this.rows[child]!;
      i = child;
    }
    this.scores[i] = score;
    this.rows[i] = row;
  }

  best(): PlainHit[] {
    const out: PlainHit[] = [];
    for (let i = 0; i < this.size; i += 1) out.push({ row: this.rows[i]!, score: this.scores[i]! });
    return out.sort((a, b) => b.score - a.score);
  }
}

/** The scan with four running sums per dot product: what a careful hand-written loop does. */
export function plainScan(
  catalog: PlainCatalog,
  query: Float32Array,
  k: number,
  filter: PlainFilter,
): PlainHit[] {
  const { vectors, dimension, count } = catalog;
  const heap = new Heap(k);
  for (let row = 0; row < count; row += 1) {
    if (filter !== null && !filter(catalog, row)) continue;
    const base = row * dimension;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j + 3 < dimension; j += 4) {
      s0 += vectors[base + j]! * query[j]!;
      s1 += vectors[base + j + 1]! * query[j + 1]!;
      s2 += vectors[base + j + 2]! * query[j + 2]!;
      s3 += vectors[base + j + 3]! * query[j + 3]!;
    }
    for (; j < dimension; j += 1) s0 += vectors[base + j]! * query[j]!;
    heap.offer(s0 + s1 + (s2 + s3), row);
  }
  return heap.best();
}

/**
 * The same scan with one running sum: the loop the store had before issue 14, for context. A
 * copy of the loop rather than a dot function passed in, so neither pays a call per row.
 */
export function plainScanSerial(
  catalog: PlainCatalog,
  query: Float32Array,
  k: number,
  filter: PlainFilter,
): PlainHit[] {
  const { vectors, dimension, count } = catalog;
  const heap = new Heap(k);
  for (let row = 0; row < count; row += 1) {
    if (filter !== null && !filter(catalog, row)) continue;
    const base = row * dimension;
    let sum = 0;
    for (let j = 0; j < dimension; j += 1) sum += vectors[base + j]! * query[j]!;
    heap.offer(sum, row);
  }
  return heap.best();
}
