import type { TopK } from './top-k.js';

/**
 * The dot product of `query` with the `size` floats of `data` from `base`. Four accumulators
 * instead of one: with a single running sum every multiply-add waits for the previous one, four
 * independent sums let the CPU overlap them (issue 14 measured the scan 1.57x faster at 100k;
 * here 1.06x at 1k and 1.18x at 100k in a micro-run, and nothing at 100k in bench:vectors on a
 * loaded machine, where the scan waits on memory: tests/bench/RESULTS.md, "Vector store"). The
 * sums are doubles, as the serial loop's was.
 */
export function dotAt(data: Float32Array, base: number, query: Float32Array, size: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let j = 0;
  for (; j + 3 < size; j += 4) {
    const o = base + j;
    a0 += data[o]! * query[j]!;
    a1 += data[o + 1]! * query[j + 1]!;
    a2 += data[o + 2]! * query[j + 2]!;
    a3 += data[o + 3]! * query[j + 3]!;
  }
  for (; j < size; j += 1) a0 += data[base + j]! * query[j]!;
  return a0 + a1 + (a2 + a3);
}

/** One named vector of a collection as the scan reads it: slot after slot of `size` floats. */
export interface ScanColumn {
  data: Float32Array;
  /** 1 where the slot has this vector. */
  present: Uint8Array;
  size: number;
}

/**
 * Scores slots `[from, to)` against the query into `top`, skipping slots without the vector,
 * `skipSlot`, and slots `accept` (the compiled filter, or a mask of it) turns away. The filter
 * goes first, as in a hand-written scan: a field check costs a fraction of a dot product, so a
 * filter that passes one item in ten saves nine dot products in ten.
 */
export function scanTopK(
  column: ScanColumn,
  from: number,
  to: number,
  query: Float32Array,
  top: TopK,
  skipSlot: number,
  accept: ((slot: number) => boolean) | null,
): void {
  const { data, present, size } = column;
  for (let slot = from; slot < to; slot += 1) {
    if (present[slot] === 0 || slot === skipSlot) continue;
    if (accept !== null && !accept(slot)) continue;
    top.push(dotAt(data, slot * size, query, size), slot);
  }
}
