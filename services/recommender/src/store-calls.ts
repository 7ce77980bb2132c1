import type { VectorStore } from '@tailor/kit';

/** The VectorStore operations, as the label of the store-call metric. */
export const STORE_OPERATIONS = [
  'ensureCollection',
  'upsert',
  'updateVectors',
  'retrieve',
  'search',
  'readMany',
  'scroll',
  'count',
  'delete',
] as const;
export type StoreOperation = (typeof STORE_OPERATIONS)[number];

const COUNTED = new Set<string>(STORE_OPERATIONS);

/**
 * `store`, telling `count` of every call by operation before making it. On Qdrant each read is
 * one request (a `readMany` is one batch request), so this counts what crosses the wire.
 */
export function countingStore(
  store: VectorStore,
  count: (operation: StoreOperation) => void,
): VectorStore {
  return new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      const method = (value as (...a: unknown[]) => unknown).bind(target);
      if (typeof key !== 'string' || !COUNTED.has(key)) return method;
      return (...args: unknown[]) => {
        count(key as StoreOperation);
        return method(...args);
      };
    },
  });
}
