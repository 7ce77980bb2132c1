import type { TrendingCounts } from '../domain/trending.js';
import { countedSource } from './counted.source.js';
import type { BatchedSource } from './source.js';

/** What people want now: the trending counts (short half-life), for users without history. */
export function trendingSource(trending: TrendingCounts): BatchedSource {
  return countedSource('trending', trending);
}
