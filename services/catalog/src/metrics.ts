import { Counter, Histogram } from '@tailor/kit';

/** The catalog's metrics; registered on its server's registry at start. */
export interface CatalogMetrics {
  /** Items of `upsertItems` batches (and bulk imports) by what became of them. */
  itemsWritten: Counter<'outcome'>;
  /** One embed call of a batch: the part of a write the embedding model sets. */
  embedSeconds: Histogram;
}

export function createCatalogMetrics(): CatalogMetrics {
  return {
    itemsWritten: new Counter({
      name: 'tailor_catalog_items_written_total',
      help: 'Items of upsert batches by outcome: created (new id), updated (id already stored) or refused (failed validation, with an ItemInputError).',
      labelNames: ['outcome'] as const,
      registers: [],
    }),
    embedSeconds: new Histogram({
      name: 'tailor_catalog_embed_seconds',
      help: 'Wall time of embedding one batch of valid items (one embedder call).',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [],
    }),
  };
}
