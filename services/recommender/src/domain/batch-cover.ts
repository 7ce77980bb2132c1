import type {
  BatchAnswer,
  BatchRead,
  Condition,
  Filter,
  PointReference,
  ReadOptions,
  SearchRequest,
  Vector,
} from '@tailor/kit';

/**
 * The answer `read` would get, derived from the answer `sent` got, when `sent` asked for at
 * least as much; undefined when it did not. A list sends its batch guessed from the user's
 * previous profile beside the profile read (see RecommendationService), then keeps every read of
 * the real batch that this covers:
 *
 * - a retrieve, by the same options, of ids all among those sent: the sent answer's points of
 *   those ids;
 * - a search of the same vector (or the same stored point), named vector, payload and vectors,
 *   and the same filter apart from excluded ids, where `sent` excluded no id `read` keeps and
 *   asked for at least `read.limit` hits: the sent hits, less the ids only `read` excludes, cut
 *   to `read.limit`. That is `read`'s answer when enough hits are left, or when `sent` found
 *   fewer than it asked for (then every match is in hand). A search by a point that does not
 *   exist finds nothing either way.
 *
 * Hits in the store's order: exact for an exact search (the embedded store, and Qdrant below its
 * indexing threshold); on Qdrant's HNSW index a top of more hits explores at least as far, so
 * its first hits are the same or nearer.
 */
export function coveredAnswer(
  read: BatchRead,
  sent: BatchRead,
  answer: BatchAnswer,
): BatchAnswer | undefined {
  if (read.kind === 'retrieve') {
    if (sent.kind !== 'retrieve' || answer.kind !== 'retrieve') return undefined;
    if (!sameReadOptions(read.options, sent.options)) return undefined;
    const asked = new Set(sent.ids);
    if (!read.ids.every((id) => asked.has(id))) return undefined;
    const wanted = new Set(read.ids);
    return { kind: 'retrieve', points: answer.points.filter((point) => wanted.has(point.id)) };
  }
  if (sent.kind !== 'search' || answer.kind !== 'search') return undefined;
  const [want, had] = [read.request, sent.request];
  if (want.limit > had.limit || want.using !== had.using) return undefined;
  if (!sameQuery(want, had) || !sameReadOptions(want, had)) return undefined;
  const wantFilter = splitExclusions(want.filter);
  const hadFilter = splitExclusions(had.filter);
  if (wantFilter === undefined || hadFilter === undefined) return undefined;
  if (wantFilter.rest !== hadFilter.rest) return undefined;
  for (const id of hadFilter.excluded) if (!wantFilter.excluded.has(id)) return undefined;
  const kept = answer.points.filter((point) => !wantFilter.excluded.has(point.id));
  const exhausted = answer.points.length < had.limit;
  if (kept.length < want.limit && !exhausted) return undefined;
  return { kind: 'search', points: kept.slice(0, want.limit) };
}

function sameReadOptions(a: ReadOptions | undefined, b: ReadOptions | undefined): boolean {
  return (
    (a?.withVectors ?? false) === (b?.withVectors ?? false) &&
    JSON.stringify(a?.withPayload ?? true) === JSON.stringify(b?.withPayload ?? true)
  );
}

function sameQuery(a: SearchRequest, b: SearchRequest): boolean {
  if (a.nearPoint !== undefined || b.nearPoint !== undefined) {
    return a.nearPoint !== undefined && b.nearPoint !== undefined && samePoint(a, b);
  }
  return sameVector(a.vector!, b.vector!);
}

function samePoint(a: SearchRequest, b: SearchRequest): boolean {
  const of = (request: SearchRequest): Required<PointReference> => ({
    id: request.nearPoint!.id,
    collection: request.nearPoint!.collection ?? '',
    using: request.nearPoint!.using ?? request.using,
  });
  const [x, y] = [of(a), of(b)];
  return x.id === y.id && x.collection === y.collection && x.using === y.using;
}

function sameVector(a: Vector, b: Vector): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

function isHasId(condition: Condition): condition is { has_id: readonly string[] } {
  return 'has_id' in condition;
}

/**
 * A filter as its excluded ids (every `has_id` of `must_not`) and the rest, written out to be
 * compared; undefined for a filter whose `has_id` conditions sit elsewhere (never compared).
 */
function splitExclusions(
  filter: Filter | undefined,
): { rest: string; excluded: ReadonlySet<string> } | undefined {
  const excluded = new Set<string>();
  const mustNot: Condition[] = [];
  for (const condition of filter?.must_not ?? []) {
    if (isHasId(condition)) for (const id of condition.has_id) excluded.add(id);
    else mustNot.push(condition);
  }
  const others = [...(filter?.must ?? []), ...(filter?.should ?? [])];
  if (others.some((condition) => isHasId(condition))) return undefined;
  const rest = JSON.stringify({
    must: filter?.must ?? [],
    should: filter?.should ?? [],
    must_not: mustNot,
  });
  return { rest, excluded };
}
