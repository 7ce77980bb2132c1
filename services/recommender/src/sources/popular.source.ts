import type { TrendingCounts } from '../domain/trending.js';
import { countedSource } from './counted.source.js';
import type { BatchedSource } from './source.js';

/**
 * What people keep choosing: the popularity counts (long half-life). Content vectors rank many
 * items alike; this lets lasting favourites compete, and is the prior of every list.
 */
export function popularSource(popular: TrendingCounts): BatchedSource {
  return countedSource('popular', popular);
}
