import type { Condition, Filter, MatchValue, Payload } from '../../ports/vector-store.js';

/** A compiled filter: true when the point with this id and payload matches. */
export type PointPredicate = (id: string, payload: Payload) => boolean;

/** Raised for a filter outside the port's subset, naming where in the filter it went wrong. */
export class FilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterError';
  }
}

function pathSegments(key: string): string[] {
  return key.split('.').map((segment) => (segment.endsWith('[]') ? segment.slice(0, -2) : segment));
}

/**
 * True when any value the path reaches satisfies `test`, Qdrant-style: dots step into objects,
 * an array on the way is stepped through element by element (`a.b` over `a: [{b: 1}, {b: 2}]`
 * reaches 1 and 2; the explicit `a[].b` form means the same), and an array at the end gives its
 * elements. Walks without allocating: this runs once per point in a filtered search.
 */
function anyValueAt(
  value: unknown,
  segments: readonly string[],
  depth: number,
  test: (value: unknown) => boolean,
): boolean {
  if (Array.isArray(value)) {
    // An index loop, not for-of: no iterator object per array on the way.
    for (let i = 0; i < value.length; i += 1) {
      const item: unknown = value[i];
      // At the end of the path an element is tested as it is: an array in an array stays closed.
      if (depth === segments.length ? test(item) : anyValueAt(item, segments, depth, test)) {
        return true;
      }
    }
    return false;
  }
  if (depth === segments.length) return test(value);
  if (typeof value !== 'object' || value === null) return false;
  const segment = segments[depth]!;
  if (!Object.hasOwn(value, segment)) return false;
  return anyValueAt((value as Record<string, unknown>)[segment], segments, depth + 1, test);
}

/**
 * {@link anyValueAt} for a top-level key, the common case (`inStock`, `category`): one property
 * read, no recursion, so a filtered scan pays little more per point than a hand-written check.
 * Skipping the own-property check is safe here: what a payload inherits (functions, the
 * prototype object) is never an array and satisfies no condition.
 */
function topValue(payload: Payload, key: string, test: (value: unknown) => boolean): boolean {
  const value = payload[key];
  if (!Array.isArray(value)) return value !== undefined && test(value);
  for (let i = 0; i < value.length; i += 1) if (test(value[i])) return true;
  return false;
}

/** The values a payload path reaches (see {@link anyValueAt} for the rules). */
export function payloadValues(payload: Payload, key: string): unknown[] {
  const values: unknown[] = [];
  anyValueAt(payload, pathSegments(key), 0, (value) => {
    values.push(value);
    return false;
  });
  return values;
}

function isMatchValue(value: unknown): value is MatchValue {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function describePath(path: string): string {
  return path === '' ? 'filter' : `filter${path}`;
}

function compileCondition(condition: Condition, path: string): PointPredicate {
  if (typeof condition !== 'object' || condition === null) {
    throw new FilterError(`${describePath(path)} must be an object`);
  }
  if ('has_id' in condition) {
    if (!Array.isArray(condition.has_id)) {
      throw new FilterError(`${describePath(path)}.has_id must be an array of ids`);
    }
    const ids = new Set(condition.has_id.map(String));
    return (id) => ids.has(id);
  }
  if ('key' in condition) {
    const { key } = condition;
    if (typeof key !== 'string' || key === '') {
      throw new FilterError(`${describePath(path)}.key must be a non-empty string`);
    }
    const segments = pathSegments(key);
    const top = segments.length === 1 ? segments[0]! : null;
    const some =
      top === null
        ? (payload: Payload, test: (value: unknown) => boolean) =>
            anyValueAt(payload, segments, 0, test)
        : (payload: Payload, test: (value: unknown) => boolean) => topValue(payload, top, test);
    if ('match' in condition) {
      const match = condition.match as Record<string, unknown>;
      if ('value' in match) {
        const expected = match.value;
        if (!isMatchValue(expected)) {
          throw new FilterError(
            `${describePath(path)}.match.value must be a string, number or boolean`,
          );
        }
        const equal = (v: unknown) => v === expected;
        return (_id, payload) => some(payload, equal);
      }
      if ('any' in match) {
        const any = match.any;
        if (!Array.isArray(any) || !any.every(isMatchValue)) {
          throw new FilterError(
            `${describePath(path)}.match.any must be an array of strings, numbers or booleans`,
          );
        }
        const expected = new Set<unknown>(any);
        const member = (v: unknown) => expected.has(v);
        return (_id, payload) => some(payload, member);
      }
      throw new FilterError(`${describePath(path)}.match must have value or any`);
    }
    if ('range' in condition) {
      const range = condition.range as Record<string, unknown>;
      const bounds = ['gt', 'gte', 'lt', 'lte'] as const;
      for (const name of Object.keys(range)) {
        if (!(bounds as readonly string[]).includes(name)) {
          throw new FilterError(
            `${describePath(path)}.range.${name} is not one of gt, gte, lt, lte`,
          );
        }
      }
      for (const name of bounds) {
        const bound = range[name];
        if (bound !== undefined && (typeof bound !== 'number' || Number.isNaN(bound))) {
          throw new FilterError(`${describePath(path)}.range.${name} must be a number`);
        }
      }
      const { gt, gte, lt, lte } = range as {
        gt?: number;
        gte?: number;
        lt?: number;
        lte?: number;
      };
      const inRange = (v: unknown) =>
        typeof v === 'number' &&
        (gt === undefined || v > gt) &&
        (gte === undefined || v >= gte) &&
        (lt === undefined || v < lt) &&
        (lte === undefined || v <= lte);
      return (_id, payload) => some(payload, inRange);
    }
    throw new FilterError(`${describePath(path)} has a key but neither match nor range`);
  }
  return compileFilterAt(condition, path);
}

function compileList(
  conditions: readonly Condition[] | undefined,
  path: string,
): PointPredicate[] | undefined {
  if (conditions === undefined) return undefined;
  if (!Array.isArray(conditions)) throw new FilterError(`${describePath(path)} must be an array`);
  return conditions.map((c, i) => compileCondition(c, `${path}[${i}]`));
}

function compileFilterAt(filter: Filter, path: string): PointPredicate {
  for (const name of Object.keys(filter)) {
    if (name !== 'must' && name !== 'should' && name !== 'must_not') {
      throw new FilterError(
        `${describePath(path)}.${name} is not part of the filter subset (must, should, must_not, key, has_id)`,
      );
    }
  }
  const must = compileList(filter.must, `${path}.must`) ?? [];
  const should = compileList(filter.should, `${path}.should`) ?? [];
  const mustNot = compileList(filter.must_not, `${path}.must_not`) ?? [];
  return (id, payload) => {
    for (const condition of must) if (!condition(id, payload)) return false;
    for (const condition of mustNot) if (condition(id, payload)) return false;
    // An empty or absent `should` puts no constraint, as in Qdrant.
    if (should.length === 0) return true;
    for (const condition of should) if (condition(id, payload)) return true;
    return false;
  };
}

/**
 * Compiles a filter of the port's Qdrant subset into a predicate, checking its shape once so a
 * malformed filter fails loudly instead of silently matching nothing. Semantics follow Qdrant:
 * a missing field satisfies no condition (so `must_not` keeps the point), an array field
 * satisfies a condition when any element does, and match compares type and value exactly.
 */
export function compileFilter(filter: Filter | undefined): PointPredicate {
  if (filter === undefined) return () => true;
  if (typeof filter !== 'object' || filter === null)
    throw new FilterError('filter must be an object');
  return compileFilterAt(filter, '');
}
