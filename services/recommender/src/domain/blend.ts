import type { SourceName } from './sources.js';

/**
 * How a source's raw signal becomes comparable with the others'.
 * - `bounded`: already on a fixed scale with 1 the strongest (cosine to the taste vector,
 *   popularity share, freshness), used as it is: it means the same in every list.
 * - `relative`: a prediction whose size varies from user to user (collaborative dot products
 *   are small for a user the model knows little of), divided by the larger of the list's
 *   strongest positive value and the source's floor ({@link SignalFloors}): the strongest
 *   candidate scores 1 when the model is sure enough, less when it predicts little for anyone;
 *   no evidence is 0, and a negative dot (a predicted dislike) stays negative.
 */
export type Normalization = 'bounded' | 'relative';

export const SIGNAL_NORMALIZATION: Readonly<Record<SourceName, Normalization>> = {
  collaborative: 'relative',
  content: 'bounded',
  popular: 'bounded',
  trending: 'bounded',
  newest: 'bounded',
};

/** Raw signals of one candidate; a source with nothing to say of it leaves its entry out. */
export type RawSignals = Partial<Record<SourceName, number>>;

/** Weight of each source's normalized signal in the blended score. */
export type SourceWeights = Readonly<Record<SourceName, number>>;

/**
 * Per `relative` source, the raw value that reads as full strength however weak the list is.
 * Without one, a model trained on a handful of users would have its best guess read as
 * certain and outvote every other source; with an infinite one the signal is the raw value.
 */
export type SignalFloors = Readonly<Partial<Record<SourceName, number>>>;

/** A candidate as the scorer reads it. */
export interface BlendInput {
  signals: RawSignals;
}

/** What the scorer adds: the blended score and each source's normalized signal. */
export interface BlendParts {
  score: number;
  /** Normalized signal per source that had one; absent signals count 0 in the score. */
  normalized: RawSignals;
}

/** Each signal normalized over the candidates as {@link SIGNAL_NORMALIZATION} says. */
export function normalizeSignals(
  candidates: readonly BlendInput[],
  floors: SignalFloors = {},
): RawSignals[] {
  const top = new Map<SourceName, number>();
  for (const [source, floor] of Object.entries(floors) as [SourceName, number][]) {
    if (SIGNAL_NORMALIZATION[source] === 'relative' && floor > 0) top.set(source, floor);
  }
  for (const { signals } of candidates) {
    for (const [source, value] of Object.entries(signals) as [SourceName, number][]) {
      if (SIGNAL_NORMALIZATION[source] === 'relative' && value > (top.get(source) ?? 0)) {
        top.set(source, value);
      }
    }
  }
  return candidates.map(({ signals }) => {
    const out: RawSignals = {};
    for (const [source, value] of Object.entries(signals) as [SourceName, number][]) {
      if (!Number.isFinite(value)) continue;
      if (SIGNAL_NORMALIZATION[source] === 'bounded') {
        out[source] = value;
      } else {
        const max = top.get(source);
        out[source] = max === undefined ? 0 : value / max;
      }
    }
    return out;
  });
}

/**
 * score = Σ weight(source) × normalized signal(source), highest first; ties keep their input
 * order (the order the sources found them), so results are deterministic.
 */
export function blend<T extends BlendInput>(
  candidates: readonly T[],
  weights: SourceWeights,
  floors: SignalFloors = {},
): (T & BlendParts)[] {
  const normalized = normalizeSignals(candidates, floors);
  return candidates
    .map((candidate, i) => {
      const parts = normalized[i]!;
      let score = 0;
      for (const [source, value] of Object.entries(parts) as [SourceName, number][]) {
        score += weights[source] * value;
      }
      return { ...candidate, score, normalized: parts };
    })
    .sort((a, b) => b.score - a.score);
}

/** The source whose weighted signal adds the most to a blended candidate, or null if none adds. */
export function strongestSource(
  normalized: RawSignals,
  weights: SourceWeights,
  among: readonly SourceName[],
): SourceName | null {
  let best: SourceName | null = null;
  let bestValue = 0;
  for (const source of among) {
    const value = (normalized[source] ?? 0) * weights[source];
    if (value > bestValue) {
      best = source;
      bestValue = value;
    }
  }
  return best;
}
