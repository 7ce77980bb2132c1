import type { Schemas } from '@qdrant/js-client-rest';

import type { Condition, Filter, MatchValue } from '../../ports/vector-store.js';
import { checkFilter } from '../../ports/vector-store-filter.js';
import { toQdrantId } from './ids.js';

type QdrantFilter = Schemas['Filter'];
type QdrantCondition = Schemas['Condition'];

/**
 * Matches no point: Qdrant's `has_id` holds when the point's id is in the list, and the list is
 * empty. Used where the port's filter can match nothing (`match.any` of no values).
 */
const NOTHING: QdrantCondition = { has_id: [] };

/**
 * Qdrant matches exact values only for keywords, integers and booleans; a number with a
 * fraction becomes the closed range [v, v], which holds for the same payload values.
 */
function matchOne(key: string, value: MatchValue): QdrantCondition {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    return { key, range: { gte: value, lte: value } };
  }
  return { key, match: { value } };
}

/**
 * Qdrant's `any` takes only all-string or all-integer lists; other mixes become one condition
 * per kind under a `should`, which holds when any of them does, as `any` does.
 */
function matchAny(key: string, values: readonly MatchValue[]): QdrantCondition {
  if (values.length === 0) return NOTHING;
  const strings: string[] = [];
  const integers: number[] = [];
  const others: QdrantCondition[] = [];
  for (const value of values) {
    if (typeof value === 'string') strings.push(value);
    else if (typeof value === 'number' && Number.isSafeInteger(value)) integers.push(value);
    else others.push(matchOne(key, value));
  }
  const parts: QdrantCondition[] = [
    ...(strings.length > 0 ? [{ key, match: { any: strings } }] : []),
    ...(integers.length > 0 ? [{ key, match: { any: integers } }] : []),
    ...others,
  ];
  const [only] = parts;
  return parts.length === 1 && only !== undefined ? only : { should: parts };
}

/** Translates a condition that {@link checkFilter} has passed. */
function translateCondition(condition: Condition): QdrantCondition {
  if ('has_id' in condition) return { has_id: condition.has_id.map(toQdrantId) };
  if ('key' in condition) {
    const { key } = condition;
    if ('match' in condition) {
      const { match } = condition;
      return 'value' in match ? matchOne(key, match.value) : matchAny(key, match.any);
    }
    const range: Schemas['Range'] = {};
    for (const [bound, value] of Object.entries(condition.range)) {
      if (value !== undefined) range[bound as keyof Schemas['Range']] = value;
    }
    return { key, range };
  }
  return translateFilterAt(condition);
}

function translateFilterAt(filter: Filter): QdrantFilter {
  const result: QdrantFilter = {};
  const must = filter.must?.map(translateCondition);
  const should = filter.should?.map(translateCondition);
  const mustNot = filter.must_not?.map(translateCondition);
  // Empty lists constrain nothing in the port (and in Qdrant); leaving them out says so plainly.
  if (must !== undefined && must.length > 0) result.must = must;
  if (should !== undefined && should.length > 0) result.should = should;
  if (mustNot !== undefined && mustNot.length > 0) result.must_not = mustNot;
  return result;
}

/**
 * Translates a filter of the port's subset into Qdrant's filter JSON: ids through the same
 * UUIDv5 mapping as the points, match values Qdrant cannot match exactly (fractional numbers,
 * mixed `any` lists) into equivalent conditions, nested filters as nested filters. A filter
 * outside the subset is refused ({@link checkFilter}) with the path of the offending part.
 */
export function toQdrantFilter(filter: Filter): QdrantFilter {
  checkFilter(filter);
  return translateFilterAt(filter);
}

/** The filter to send, or undefined when it constrains nothing (Qdrant then skips filtering). */
export function toOptionalQdrantFilter(filter: Filter | undefined): QdrantFilter | undefined {
  if (filter === undefined) return undefined;
  const translated = toQdrantFilter(filter);
  return Object.keys(translated).length === 0 ? undefined : translated;
}
