import type { Schemas } from '@qdrant/js-client-rest';

import { TailorError } from '../../errors.js';
import type { Condition, Filter, MatchValue } from '../../ports/vector-store.js';
import { toQdrantId } from './ids.js';

type QdrantFilter = Schemas['Filter'];
type QdrantCondition = Schemas['Condition'];

/**
 * Matches no point: Qdrant's `has_id` holds when the point's id is in the list, and the list is
 * empty. Used where the port's filter can match nothing (`match.any` of no values).
 */
const NOTHING: QdrantCondition = { has_id: [] };

/** `problem` starts with `.part …` to name a part below `path`, else with what is wrong. */
function filterError(path: string, problem: string): TailorError {
  const where = `filter${path}${problem.startsWith('.') ? '' : ' '}`;
  return new TailorError(`Qdrant filter: ${where}${problem}`, { retriable: false });
}

function isMatchValue(value: unknown): value is MatchValue {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

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

function translateCondition(condition: Condition, path: string): QdrantCondition {
  if (typeof condition !== 'object' || condition === null)
    throw filterError(path, 'must be an object');
  if ('has_id' in condition) {
    if (
      !Array.isArray(condition.has_id) ||
      !condition.has_id.every((id) => typeof id === 'string')
    ) {
      throw filterError(path, '.has_id must be an array of string ids');
    }
    return { has_id: condition.has_id.map(toQdrantId) };
  }
  if ('key' in condition) {
    const { key } = condition;
    if (typeof key !== 'string' || key === '')
      throw filterError(path, '.key must be a non-empty string');
    if ('match' in condition) {
      const match: unknown = condition.match;
      if (typeof match === 'object' && match !== null && 'value' in match) {
        if (!isMatchValue(match.value)) {
          throw filterError(path, '.match.value must be a string, a finite number or a boolean');
        }
        return matchOne(key, match.value);
      }
      if (typeof match === 'object' && match !== null && 'any' in match) {
        const { any } = match;
        if (!Array.isArray(any) || !any.every(isMatchValue)) {
          throw filterError(
            path,
            '.match.any must be an array of strings, finite numbers or booleans',
          );
        }
        return matchAny(key, any);
      }
      throw filterError(path, '.match must have value or any');
    }
    if ('range' in condition) {
      const range: Schemas['Range'] = {};
      for (const [bound, value] of Object.entries(condition.range)) {
        if (bound !== 'gt' && bound !== 'gte' && bound !== 'lt' && bound !== 'lte') {
          throw filterError(path, `.range.${bound} is not one of gt, gte, lt, lte`);
        }
        if (value === undefined) continue;
        if (typeof value !== 'number' || Number.isNaN(value)) {
          throw filterError(path, `.range.${bound} must be a number`);
        }
        range[bound] = value;
      }
      return { key, range };
    }
    throw filterError(path, 'has a key but neither match nor range');
  }
  return translateFilterAt(condition, path);
}

function translateList(
  conditions: readonly Condition[] | undefined,
  path: string,
): QdrantCondition[] | undefined {
  if (conditions === undefined) return undefined;
  if (!Array.isArray(conditions)) throw filterError(path, 'must be an array');
  return conditions.map((condition, i) => translateCondition(condition, `${path}[${i}]`));
}

function translateFilterAt(filter: Filter, path: string): QdrantFilter {
  for (const name of Object.keys(filter)) {
    if (name !== 'must' && name !== 'should' && name !== 'must_not') {
      throw filterError(
        path,
        `.${name} is not part of the filter subset (must, should, must_not, key, has_id)`,
      );
    }
  }
  const result: QdrantFilter = {};
  const must = translateList(filter.must, `${path}.must`);
  const should = translateList(filter.should, `${path}.should`);
  const mustNot = translateList(filter.must_not, `${path}.must_not`);
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
 * outside the subset is refused with the path of the offending part.
 */
export function toQdrantFilter(filter: Filter): QdrantFilter {
  if (typeof filter !== 'object' || filter === null) throw filterError('', 'must be an object');
  return translateFilterAt(filter, '');
}

/** The filter to send, or undefined when it constrains nothing (Qdrant then skips filtering). */
export function toOptionalQdrantFilter(filter: Filter | undefined): QdrantFilter | undefined {
  if (filter === undefined) return undefined;
  const translated = toQdrantFilter(filter);
  return Object.keys(translated).length === 0 ? undefined : translated;
}
