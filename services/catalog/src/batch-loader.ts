/** Loads many keys in one call; keys missing from the result are absent. */
export type LoadMany<K, V> = (keys: readonly K[]) => Promise<ReadonlyMap<K, V>>;

/** Loads one key; calls made in the same tick are served by one {@link LoadMany} call. */
export type LoadOne<K, V> = (key: K) => Promise<V | undefined>;

interface Waiter<V> {
  resolve: (value: V | undefined) => void;
  reject: (err: unknown) => void;
}

/**
 * Collects the keys asked for during one synchronous run and loads them together once it ends
 * (a microtask later). Federation resolves `_entities` by calling the reference resolver once
 * per representation in a plain loop, so a query for 50 items becomes one store call instead
 * of 50. Results are remembered for the loader's life: make one loader per request.
 */
export function createBatchLoader<K, V>(loadMany: LoadMany<K, V>): LoadOne<K, V> {
  const remembered = new Map<K, Promise<V | undefined>>();
  let pending: Map<K, Waiter<V>> | undefined;

  const flush = async (batch: Map<K, Waiter<V>>) => {
    try {
      const found = await loadMany([...batch.keys()]);
      for (const [key, waiter] of batch) waiter.resolve(found.get(key));
    } catch (err) {
      for (const waiter of batch.values()) waiter.reject(err);
    }
  };

  const batchInHand = (): Map<K, Waiter<V>> => {
    if (pending !== undefined) return pending;
    const batch = new Map<K, Waiter<V>>();
    pending = batch;
    queueMicrotask(() => {
      pending = undefined;
      void flush(batch);
    });
    return batch;
  };

  return (key) => {
    const known = remembered.get(key);
    if (known !== undefined) return known;
    const batch = batchInHand();
    const promise = new Promise<V | undefined>((resolve, reject) => {
      batch.set(key, { resolve, reject });
    });
    remembered.set(key, promise);
    return promise;
  };
}
