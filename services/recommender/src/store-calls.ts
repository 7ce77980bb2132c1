import {
  stoppedError,
  VECTOR_STORE_OPERATIONS,
  type VectorStore,
  type VectorStoreOperation,
} from '@tailor/kit';

const COUNTED = new Set<string>(VECTOR_STORE_OPERATIONS);

/**
 * `store`, telling `count` of every call by operation before making it. On Qdrant each read is
 * one request (a `readMany` is one batch request), so this counts what crosses the wire. Once
 * `signal` fires (the request's deadline passed or its caller left) no further call is made:
 * each throws the signal's DEADLINE_EXCEEDED or REQUEST_CANCELLED error instead.
 */
export function countingStore(
  store: VectorStore,
  count: (operation: VectorStoreOperation) => void,
  signal?: AbortSignal,
): VectorStore {
  return new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      const method = (value as (...a: unknown[]) => unknown).bind(target);
      if (typeof key !== 'string' || !COUNTED.has(key)) return method;
      return (...args: unknown[]) => {
        if (signal?.aborted === true) return Promise.reject(stoppedError(signal));
        count(key as VectorStoreOperation);
        return method(...args);
      };
    },
  });
}
