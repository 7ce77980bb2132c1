import type { Condition, Filter, Payload } from '../../../ports/vector-store.js';
import { checkFilter } from '../../../ports/vector-store-filter.js';

/** A compiled filter: true when the point with this id and payload matches. */
export type PointPredicate = (id: string, payload: Payload) => boolean;

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
 * {@link anyValueAt} for the value of a top-level key, the common case (`inStock`, `category`):
 * no path walk. What a payload inherits (functions, the prototype object) is never an array and
 * passes no test, so reading `payload[key]` without an own-property check is safe.
 */
function valuesPass(value: unknown, test: (value: unknown) => boolean): boolean {
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

/** A key condition compiled: the path it reads and the test a value there must pass. */
interface KeyTest {
  key: string;
  segments: string[];
  test: (value: unknown) => boolean;
}

/** Compiles a key condition that {@link checkFilter} has passed. */
function compileKeyTest(condition: Extract<Condition, { key: string }>): KeyTest {
  const { key } = condition;
  const segments = pathSegments(key);
  if ('match' in condition) {
    const { match } = condition;
    if ('value' in match) {
      const expected = match.value;
      return { key, segments, test: (v) => v === expected };
    }
    const expected = new Set<unknown>(match.any);
    return { key, segments, test: (v) => expected.has(v) };
  }
  const { gt, gte, lt, lte } = condition.range;
  return {
    key,
    segments,
    test: (v) =>
      typeof v === 'number' &&
      (gt === undefined || v > gt) &&
      (gte === undefined || v >= gte) &&
      (lt === undefined || v < lt) &&
      (lte === undefined || v <= lte),
  };
}

function compileCondition(condition: Condition): PointPredicate {
  if ('has_id' in condition) {
    const ids = new Set(condition.has_id);
    return (id) => ids.has(id);
  }
  if ('key' in condition) {
    const { segments, test } = compileKeyTest(condition);
    if (segments.length === 1) {
      const top = segments[0]!;
      return (_id, payload) => valuesPass(payload[top], test);
    }
    return (_id, payload) => anyValueAt(payload, segments, 0, test);
  }
  return compileFilterAt(condition);
}

function compileFilterAt(filter: Filter): PointPredicate {
  const must = (filter.must ?? []).map(compileCondition);
  const should = (filter.should ?? []).map(compileCondition);
  const mustNot = (filter.must_not ?? []).map(compileCondition);
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
 * Compiles a filter of the port's Qdrant subset into a predicate, checking its shape once
 * ({@link checkFilter}) so a malformed filter fails loudly instead of silently matching nothing.
 * Semantics follow Qdrant: a missing field satisfies no condition (so `must_not` keeps the
 * point), an array field satisfies a condition when any element does, and match compares type
 * and value exactly.
 */
export function compileFilter(filter: Filter | undefined): PointPredicate {
  if (filter === undefined) return () => true;
  checkFilter(filter);
  return compileFilterAt(filter);
}

/** The points a slot filter reads: by slot, with per-slot values of some top-level keys. */
export interface SlotSource {
  ids: readonly string[];
  /** The payload at a slot, as stored: read, never changed. */
  payloadAt(slot: number): Payload;
  /** The value of `key` at every slot, when the store keeps that key as a column. */
  keyColumn(key: string): readonly unknown[] | undefined;
}

/** A compiled filter over slots: true when the point at that slot matches. */
export type SlotPredicate = (slot: number) => boolean;

function slotCondition(condition: Condition, source: SlotSource): SlotPredicate {
  const { ids } = source;
  if ('has_id' in condition) {
    const wanted = new Set(condition.has_id);
    return (slot) => wanted.has(ids[slot]!);
  }
  if ('key' in condition) {
    const { key, segments, test } = compileKeyTest(condition);
    const column = segments.length === 1 ? source.keyColumn(key) : undefined;
    if (column !== undefined) return (slot) => valuesPass(column[slot], test);
    const point = compileCondition(condition);
    return (slot) => point(ids[slot]!, source.payloadAt(slot));
  }
  return slotFilterAt(condition, source);
}

function slotFilterAt(filter: Filter, source: SlotSource): SlotPredicate {
  const list = (conditions: readonly Condition[] | undefined) =>
    (conditions ?? []).map((c) => slotCondition(c, source));
  const must = list(filter.must);
  const should = list(filter.should);
  const mustNot = list(filter.must_not);
  return (slot) => {
    for (let i = 0; i < must.length; i += 1) if (!must[i]!(slot)) return false;
    for (let i = 0; i < mustNot.length; i += 1) if (mustNot[i]!(slot)) return false;
    if (should.length === 0) return true;
    for (let i = 0; i < should.length; i += 1) if (should[i]!(slot)) return true;
    return false;
  };
}

/**
 * {@link compileFilter} over the slots of a collection: the same semantics and the same errors,
 * but a top-level key the store keeps as a column is read from it, one array read per point
 * instead of a property lookup in each payload (about 8x faster over 100k points, measured).
 */
export function compileSlotFilter(filter: Filter, source: SlotSource): SlotPredicate {
  checkFilter(filter);
  return slotFilterAt(filter, source);
}
