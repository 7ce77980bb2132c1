import { seededRandom } from './random.js';

/** Summary of a sample of durations, in the sample's unit. */
export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * The p-th percentile (0..100) by the nearest-rank method on an ascending sample: the smallest
 * value with at least p% of the sample at or below it.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be from 0 to 100, got ${p}`);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    mean: sorted.length === 0 ? Number.NaN : sum / sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
}

/** Rounds every number of a summary, so result files do not carry sub-microsecond noise. */
export function rounded<T extends object>(summary: T, decimals = 3): T {
  const factor = 10 ** decimals;
  return Object.fromEntries(
    Object.entries(summary).map(([key, value]) => [
      key,
      typeof value === 'number' && Number.isFinite(value)
        ? Math.round(value * factor) / factor
        : value,
    ]),
  ) as T;
}

/** Milliseconds since `start` (from `process.hrtime.bigint()`). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** A ratio of two means with its bootstrap interval. */
export interface RatioInterval {
  /** mean(candidate) / mean(base) over the whole sample. */
  ratio: number;
  /** Lower and upper percentile bounds of that ratio over the resamples. */
  low: number;
  high: number;
}

/** Options of {@link pairedRatioInterval}. */
export interface BootstrapOptions {
  /** Resamples drawn. */
  resamples: number;
  /** Share of resampled ratios inside [low, high]. */
  level: number;
  /** Seed of the resampling, so a run's choice is the same on every machine. */
  seed: number;
}

export const DEFAULT_BOOTSTRAP: BootstrapOptions = { resamples: 1000, level: 0.95, seed: 7 };

/**
 * How much `candidate` beats `base` on the same units (per user, say), as a ratio of means with
 * a percentile-bootstrap interval: units are resampled with replacement and both sides read at
 * the same units, so what the two share (a hard user is hard for both) cancels out.
 */
export function pairedRatioInterval(
  candidate: readonly number[],
  base: readonly number[],
  options: BootstrapOptions = DEFAULT_BOOTSTRAP,
): RatioInterval {
  if (candidate.length !== base.length) {
    throw new RangeError(`paired samples differ in size: ${candidate.length} and ${base.length}`);
  }
  if (candidate.length === 0) throw new RangeError('paired samples are empty');
  const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
  const random = seededRandom(options.seed);
  const n = candidate.length;
  const ratios: number[] = [];
  for (let r = 0; r < options.resamples; r += 1) {
    let top = 0;
    let bottom = 0;
    for (let i = 0; i < n; i += 1) {
      const at = Math.floor(random() * n);
      top += candidate[at]!;
      bottom += base[at]!;
    }
    ratios.push(top / bottom);
  }
  ratios.sort((a, b) => a - b);
  const tail = ((1 - options.level) / 2) * 100;
  return {
    ratio: sum(candidate) / sum(base),
    low: percentile(ratios, tail),
    high: percentile(ratios, 100 - tail),
  };
}
