import { RECOMMENDATION_LIMITS } from './request.js';

/**
 * The candidate sources of a list. Each finds items its own way and gives every candidate a
 * signal (see {@link SIGNAL_NORMALIZATION}); the scorer blends the signals with weights.
 */
export const SOURCE_NAMES = ['collaborative', 'content', 'popular', 'trending', 'newest'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/** One source of a plan. */
export interface PlannedSource {
  source: SourceName;
  /**
   * Fetches only when the sources before it found fewer candidates than the list asks for; its
   * signal still scores every candidate. For sources that are costly and rarely needed.
   */
  fillOnly: boolean;
}

/** What the plan depends on: which personal evidence the user has. */
export interface PlanInput {
  /** The profile gives a content query vector (long/short taste). */
  content: boolean;
  /** The profile's `cf` vector was folded in against the model in service. */
  collaborative: boolean;
}

const always = (source: SourceName): PlannedSource => ({ source, fillOnly: false });
const fill = (source: SourceName): PlannedSource => ({ source, fillOnly: true });

/**
 * Which sources build a user's list. Personal evidence brings its sources (collaborative,
 * content) with popularity as a prior; a user with none gets what people want now and over
 * time. The newest catalog items fill in when too few candidates turn up (an empty log, a
 * narrow category). Trending stays out of personal lists: its one-day memory would add noise
 * to a taste that is already known.
 */
export function sourcePlan(input: PlanInput): PlannedSource[] {
  const personal: PlannedSource[] = [];
  if (input.collaborative) personal.push(always('collaborative'));
  if (input.content) personal.push(always('content'));
  if (personal.length === 0) return [always('trending'), always('popular'), fill('newest')];
  return [...personal, always('popular'), fill('newest')];
}

/** True when the plan uses what the user did, not only what everyone does. */
export function isPersonal(plan: readonly PlannedSource[]): boolean {
  return plan.some((p) => p.source === 'collaborative' || p.source === 'content');
}

/**
 * Candidates a source fetches for a list of `first`: `perItem` per item asked for, lists
 * shorter than {@link RECOMMENDATION_LIMITS.defaultFirst} counting as that long (so re-ranking
 * and MMR have room even for a short list), at most {@link RECOMMENDATION_LIMITS.maxCandidates}.
 * A `perItem` of 0 turns the source's fetching off.
 */
export function candidateCount(perItem: number, first: number): number {
  const L = RECOMMENDATION_LIMITS;
  return Math.min(perItem * Math.max(first, L.defaultFirst), L.maxCandidates);
}
