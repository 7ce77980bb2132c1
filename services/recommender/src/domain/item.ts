import { type ItemPayload, type Payload, readItemPayload } from '@tailor/kit';

/** The facts of an item the recommender ranks and explains with. */
export type ItemFacts = Pick<
  ItemPayload,
  'itemId' | 'title' | 'category' | 'tags' | 'inStock' | 'createdAt'
>;

/**
 * Reads an `items` payload (written by the catalog) with kit's tolerant reader, so one odd point
 * cannot fail a whole list; `fallbackId` is the point id. An item without a title (the catalog
 * requires one) is named by its id in reasons.
 */
export function readItem(payload: Payload, fallbackId: string): ItemFacts {
  const p = readItemPayload(payload, fallbackId);
  return {
    itemId: p.itemId,
    title: p.title === '' ? fallbackId : p.title,
    category: p.category,
    tags: p.tags,
    inStock: p.inStock,
    createdAt: p.createdAt,
  };
}
