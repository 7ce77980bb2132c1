import { ITEMS_COLLECTION, type VectorStore } from '@tailor/kit';
import { LRUCache } from 'lru-cache';

import { tagSpecificity } from './domain/specificity.js';

/** How long a count of the catalog is trusted before it is asked again. */
export const TAG_STATS_TTL_MS = 10 * 60_000;
/** Tags whose counts are kept; beyond it the oldest are forgotten and asked again when met. */
export const TAG_STATS_MAX_TAGS = 50_000;
/** Count requests sent to the store at once. */
const COUNT_CONCURRENCY = 16;

interface Counted {
  count: number;
  at: number;
}

/**
 * How many catalog items carry each tag, counted in the `items` collection (a keyword index in
 * Qdrant) and cached for {@link TAG_STATS_TTL_MS}: the specificity of a tag changes with the
 * catalog, slowly, and a batch of events meets the same tags again and again.
 */
export class TagStats {
  /**
   * In order of last count: a read does not refresh a tag (`peek`), so the tags counted longest
   * ago go first. Freshness is judged here from `at`, not by lru-cache's `ttl`: the clock is the
   * service's (tests fix it), and a count exactly {@link TAG_STATS_TTL_MS} old is asked again,
   * where lru-cache's entries expire only once older than their TTL.
   */
  private readonly counts = new LRUCache<string, Counted>({ max: TAG_STATS_MAX_TAGS });
  private catalog: Counted | undefined;

  constructor(
    private readonly store: VectorStore,
    private readonly now: () => number,
  ) {}

  /** The specificity of each tag, see {@link tagSpecificity}. A store error propagates. */
  async specificities(tags: Iterable<string>): Promise<Map<string, number>> {
    const now = this.now();
    const fresh = (entry: Counted | undefined): entry is Counted =>
      entry !== undefined && now - entry.at < TAG_STATS_TTL_MS;
    if (!fresh(this.catalog)) {
      this.catalog = { count: await this.store.count(ITEMS_COLLECTION), at: now };
    }
    const wanted = [...new Set(tags)];
    const stale = wanted.filter((tag) => !fresh(this.counts.peek(tag)));
    for (let i = 0; i < stale.length; i += COUNT_CONCURRENCY) {
      const chunk = stale.slice(i, i + COUNT_CONCURRENCY);
      const counts = await Promise.all(
        chunk.map((tag) =>
          this.store.count(ITEMS_COLLECTION, { must: [{ key: 'tags', match: { value: tag } }] }),
        ),
      );
      chunk.forEach((tag, j) => this.counts.set(tag, { count: counts[j] ?? 0, at: now }));
    }
    const catalogSize = this.catalog.count;
    return new Map(
      wanted.map((tag) => [tag, tagSpecificity(this.counts.peek(tag)?.count ?? 1, catalogSize)]),
    );
  }
}
