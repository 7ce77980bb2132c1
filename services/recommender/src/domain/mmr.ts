import { cosine, type Vector } from '@tailor/kit';

/** What MMR needs of a candidate. */
export interface MmrCandidate {
  score: number;
  vector: Vector;
}

/**
 * Maximal marginal relevance: picks `k` candidates one at a time, each the argmax of
 * λ·score − (1−λ)·(highest cosine to an already picked one). λ = 1 is plain score order; lower
 * values let a less relevant but different item in ahead of a near-duplicate. Ties go to the
 * earlier candidate.
 */
export function mmrSelect<T extends MmrCandidate>(
  candidates: readonly T[],
  k: number,
  lambda: number,
): T[] {
  const remaining = candidates.map((_, index) => index);
  // Highest similarity of each candidate to the picks so far, kept up to date after each pick.
  const closest = new Float64Array(candidates.length);
  const picked: T[] = [];
  while (picked.length < k && remaining.length > 0) {
    let best = 0;
    let bestValue = -Infinity;
    for (let r = 0; r < remaining.length; r += 1) {
      const index = remaining[r]!;
      const redundancy = picked.length === 0 ? 0 : closest[index]!;
      const value = lambda * candidates[index]!.score - (1 - lambda) * redundancy;
      if (value > bestValue) {
        bestValue = value;
        best = r;
      }
    }
    const [chosen] = remaining.splice(best, 1);
    const pick = candidates[chosen!]!;
    picked.push(pick);
    if (lambda === 1) continue;
    for (const index of remaining) {
      const similarity = cosine(candidates[index]!.vector, pick.vector);
      if (picked.length === 1 || similarity > closest[index]!) closest[index] = similarity;
    }
  }
  return picked;
}
