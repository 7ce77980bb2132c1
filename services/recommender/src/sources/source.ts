import { CF_VECTOR, ITEM_VECTOR, type StoredPoint } from '@tailor/kit';

import { type ItemFacts, readItem } from '../domain/item.js';
import type { RecommendationContext } from '../domain/request.js';
import type { SourceName } from '../domain/sources.js';

/** An item some source found, with what every signal and MMR need. */
export interface Candidate {
  itemId: string;
  item: ItemFacts;
  /** The content vector: MMR compares picks with it, the content signal scores it. */
  vector: Float32Array;
  /** The item's collaborative factors; absent until the model covers the item. */
  cf?: Float32Array;
}

/** What a source is asked for. */
export interface SourceRequest {
  /** Candidates wanted (from the source's per-item setting). */
  limit: number;
  context: RecommendationContext;
  /** Never to offer: seen by the user, excluded by the client, or found by an earlier source. */
  excluded: ReadonlySet<string>;
  /** Epoch ms. */
  now: number;
}

/**
 * One way of finding candidates. Every source also scores any candidate, whoever found it, so
 * the scorer can weigh all the evidence on every item: `signal` is the raw value
 * ({@link SIGNAL_NORMALIZATION} says how it is normalized), undefined for no evidence.
 */
export interface CandidateSource {
  readonly name: SourceName;
  /** In-stock items of the context's category, none of `excluded`, with vectors. */
  candidates(request: SourceRequest): Promise<Candidate[]>;
  signal(candidate: Candidate, now: number): number | undefined;
}

/** A stored item point (retrieved with vectors) as a candidate, or null without a content vector. */
export function toCandidate(point: StoredPoint): Candidate | null {
  const vector = point.vectors?.[ITEM_VECTOR];
  if (vector === undefined) return null;
  const cf = point.vectors?.[CF_VECTOR];
  return {
    itemId: point.id,
    item: readItem(point.payload, point.id),
    vector,
    ...(cf === undefined ? {} : { cf }),
  };
}

/** The points as candidates, those without a content vector left out. */
export function toCandidates(points: readonly StoredPoint[]): Candidate[] {
  return points.flatMap((point) => {
    const candidate = toCandidate(point);
    return candidate === null ? [] : [candidate];
  });
}
