import type { VectorStore } from '@tailor/kit';

import type { TrendingCounts } from '../domain/trending.js';
import { countedSource } from './counted.source.js';
import type { CandidateSource } from './source.js';

/** What people want now: the trending counts (short half-life), for users without history. */
export function trendingSource(store: VectorStore, trending: TrendingCounts): CandidateSource {
  return countedSource('trending', store, trending);
}
