import { TailorError } from '../errors.js';
import type { Condition, Filter, MatchValue } from './vector-store.js';

/**
 * Raised for a filter outside the port's subset, naming where in the filter it went wrong. Never
 * worth retrying: the same filter is refused again.
 */
export class FilterError extends TailorError {
  constructor(message: string) {
    super(message, { retriable: false });
    this.name = 'FilterError';
  }
}

const BOUNDS: readonly string[] = ['gt', 'gte', 'lt', 'lte'];

/** Finite numbers only: Qdrant cannot match NaN or an infinity, so no store accepts them. */
export function isMatchValue(value: unknown): value is MatchValue {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** `path` is where the part sits below the filter (`.must[0]`); '' is the filter itself. */
function refuse(path: string, problem: string): never {
  throw new FilterError(`filter${path}${problem.startsWith('.') ? '' : ' '}${problem}`);
}

function checkKeyCondition(condition: Record<string, unknown>, path: string): void {
  const { key } = condition;
  if (typeof key !== 'string' || key === '') refuse(path, '.key must be a non-empty string');
  if ('match' in condition) {
    const { match } = condition;
    if (isObject(match) && 'value' in match) {
      if (!isMatchValue(match.value)) {
        refuse(path, '.match.value must be a string, a finite number or a boolean');
      }
      return;
    }
    if (isObject(match) && 'any' in match) {
      const { any } = match;
      if (!Array.isArray(any) || !any.every(isMatchValue)) {
        refuse(path, '.match.any must be an array of strings, finite numbers or booleans');
      }
      return;
    }
    refuse(path, '.match must have value or any');
  }
  if ('range' in condition) {
    const { range } = condition;
    if (!isObject(range)) refuse(path, '.range must be an object');
    for (const [bound, value] of Object.entries(range)) {
      if (!BOUNDS.includes(bound)) refuse(path, `.range.${bound} is not one of gt, gte, lt, lte`);
      if (value !== undefined && (typeof value !== 'number' || Number.isNaN(value))) {
        refuse(path, `.range.${bound} must be a number`);
      }
    }
    return;
  }
  refuse(path, 'has a key but neither match nor range');
}

function checkCondition(condition: Condition, path: string): void {
  if (!isObject(condition)) refuse(path, 'must be an object');
  if ('has_id' in condition) {
    const ids: unknown = condition.has_id;
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
      refuse(path, '.has_id must be an array of string ids');
    }
    return;
  }
  if ('key' in condition) {
    checkKeyCondition(condition, path);
    return;
  }
  checkFilterAt(condition, path);
}

function checkFilterAt(filter: Filter, path: string): void {
  for (const name of Object.keys(filter)) {
    if (name !== 'must' && name !== 'should' && name !== 'must_not') {
      refuse(
        path,
        `.${name} is not part of the filter subset (must, should, must_not, key, has_id)`,
      );
    }
  }
  for (const clause of ['must', 'should', 'must_not'] as const) {
    const conditions: unknown = filter[clause];
    if (conditions === undefined) continue;
    const at = `${path}.${clause}`;
    if (!Array.isArray(conditions)) refuse(at, 'must be an array');
    conditions.forEach((condition: Condition, i) => checkCondition(condition, `${at}[${i}]`));
  }
}

/**
 * Checks that `filter` is of the port's Qdrant subset ({@link Filter}), so every store refuses
 * the same filters with the same message, naming the offending part
 * (`filter.must[0].match.value must be …`), instead of one store silently matching nothing where
 * another fails. Every store runs it before compiling or translating a filter.
 */
export function checkFilter(filter: Filter): void {
  if (!isObject(filter)) refuse('', 'must be an object');
  checkFilterAt(filter, '');
}
