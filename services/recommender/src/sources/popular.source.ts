import type { VectorStore } from '@tailor/kit';

import type { TrendingCounts } from '../domain/trending.js';
import { countedSource } from './counted.source.js';
import type { CandidateSource } from './source.js';

/**
 * What people keep choosing: the popularity counts (long half-life). Content vectors rank many
 * items alike; this lets lasting favourites compete, and is the prior of every list.
 */
export function popularSource(store: VectorStore, popular: TrendingCounts): CandidateSource {
  return countedSource('popular', store, popular);
}
