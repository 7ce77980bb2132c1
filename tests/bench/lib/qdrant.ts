/**
 * Admin calls the benches make to the Qdrant server it measures, outside what is timed
 * (built-in fetch is fine here). The bench works in collections of its own names only.
 */

/**
 * How long a bench waits for Qdrant to finish indexing after the inserts. An index still being
 * built takes CPU from every point of the curve, the embedded ones included (two runs at load
 * average 8 measured at a yellow 100k index after 120 s), so the wait is long.
 */
const INDEXING_BUDGET_MS = 600_000;

/** Where Qdrant's indexing of a collection stood when the bench went on. */
export interface IndexState {
  /** `green` once optimized; `yellow` while the optimizer still builds the index. */
  status: string;
  indexedVectors: number;
  points: number;
}

/**
 * Waits until Qdrant has indexed the collection (status green), at most
 * {@link INDEXING_BUDGET_MS}: on a loaded 2-core machine the HNSW build of 100,000 vectors can
 * take longer, and the bench then measures (and records) the state it found rather than fail.
 */
export async function waitUntilIndexed(url: string, collection: string): Promise<IndexState> {
  const deadline = Date.now() + INDEXING_BUDGET_MS;
  for (;;) {
    const response = await fetch(`${url}/collections/${encodeURIComponent(collection)}`);
    if (!response.ok) throw new Error(`Qdrant collection ${collection}: HTTP ${response.status}`);
    const info = (await response.json()) as {
      result?: { status?: string; indexed_vectors_count?: number; points_count?: number };
    };
    const state = {
      status: info.result?.status ?? 'unknown',
      indexedVectors: info.result?.indexed_vectors_count ?? 0,
      points: info.result?.points_count ?? 0,
    };
    if (state.status === 'green' || Date.now() > deadline) return state;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function dropCollections(url: string, collections: readonly string[]): Promise<void> {
  for (const name of collections) {
    await fetch(`${url}/collections/${encodeURIComponent(name)}`, { method: 'DELETE' });
  }
}

/** Drops every collection whose name starts with `prefix`. */
export async function dropPrefixed(url: string, prefix: string): Promise<void> {
  const response = await fetch(`${url}/collections`);
  const listed = (await response.json()) as { result?: { collections?: { name: string }[] } };
  const names = (listed.result?.collections ?? []).map((c) => c.name);
  await dropCollections(
    url,
    names.filter((name) => name.startsWith(prefix)),
  );
}
