/**
 * Top-N ranking metrics with binary relevance. `ranked` is a list best first; `relevant` the
 * held-out items. Every function looks only at the list it is given, so a list shorter than
 * the cutoff simply has fewer chances.
 */

/** 1 when any relevant item is among the first `k`, else 0. */
export function hitRate(
  ranked: readonly string[],
  relevant: ReadonlySet<string>,
  k: number,
): number {
  return ranked.slice(0, k).some((id) => relevant.has(id)) ? 1 : 0;
}

/** Relevant items among the first `k`, over all relevant items. */
export function recall(
  ranked: readonly string[],
  relevant: ReadonlySet<string>,
  k: number,
): number {
  if (relevant.size === 0) return 0;
  return ranked.slice(0, k).filter((id) => relevant.has(id)).length / relevant.size;
}

/**
 * DCG of the first `k` (gain 1 per relevant item, discounted by log2(rank + 1)) over the DCG of
 * an ideal list, which puts min(|relevant|, k) relevant items first.
 */
export function ndcg(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((id, index) => {
    if (relevant.has(id)) dcg += 1 / Math.log2(index + 2);
  });
  let ideal = 0;
  for (let index = 0; index < Math.min(relevant.size, k); index += 1)
    ideal += 1 / Math.log2(index + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** 1 / rank of the first relevant item in the list, 0 when none is in it. */
export function reciprocalRank(ranked: readonly string[], relevant: ReadonlySet<string>): number {
  const index = ranked.findIndex((id) => relevant.has(id));
  return index < 0 ? 0 : 1 / (index + 1);
}

/** The lists one recommender served one user, one per cutoff the metrics read. */
export interface UserLists {
  /** Read by HR@10, NDCG@10 and coverage@10. */
  top10: readonly string[];
  /** Read by Recall@20. */
  top20: readonly string[];
  /** Read by MRR (the deepest list every recommender here can serve). */
  top50: readonly string[];
}

/** The figures of one recommender, averaged over users. */
export interface QualityFigures {
  users: number;
  'HR@10': number;
  'NDCG@10': number;
  'Recall@20': number;
  'MRR@50': number;
  /** Share of the catalog that appears in at least one user's top 10. */
  'coverage@10': number;
}

/** Sums per-user metrics and the items recommended, then averages. */
export class QualityAccumulator {
  private users = 0;
  private hits = 0;
  private ndcgSum = 0;
  private recallSum = 0;
  private rrSum = 0;
  private readonly covered = new Set<string>();

  constructor(private readonly catalogSize: number) {
    if (!(catalogSize > 0))
      throw new RangeError(`catalogSize must be positive, got ${catalogSize}`);
  }

  add(lists: UserLists, relevant: ReadonlySet<string>): void {
    this.users += 1;
    this.hits += hitRate(lists.top10, relevant, 10);
    this.ndcgSum += ndcg(lists.top10, relevant, 10);
    this.recallSum += recall(lists.top20, relevant, 20);
    this.rrSum += reciprocalRank(lists.top50.slice(0, 50), relevant);
    for (const id of lists.top10.slice(0, 10)) this.covered.add(id);
  }

  result(): QualityFigures {
    const n = Math.max(this.users, 1);
    return {
      users: this.users,
      'HR@10': this.hits / n,
      'NDCG@10': this.ndcgSum / n,
      'Recall@20': this.recallSum / n,
      'MRR@50': this.rrSum / n,
      'coverage@10': this.covered.size / this.catalogSize,
    };
  }
}
