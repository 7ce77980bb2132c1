import type { ItemPayload, Payload } from '@tailor/kit';

/** The facts of an item the recommender ranks and explains with. */
export type ItemFacts = Pick<
  ItemPayload,
  'itemId' | 'title' | 'category' | 'tags' | 'inStock' | 'createdAt'
>;

/**
 * Reads an `items` payload (written by the catalog). Missing fields get neutral values so one
 * odd point cannot fail a whole list; `fallbackId` is the point id.
 */
export function readItem(payload: Payload, fallbackId: string): ItemFacts {
  const p = payload as Partial<ItemPayload>;
  return {
    itemId: typeof p.itemId === 'string' ? p.itemId : fallbackId,
    title: typeof p.title === 'string' ? p.title : fallbackId,
    category: typeof p.category === 'string' ? p.category : '',
    tags: Array.isArray(p.tags) ? p.tags.filter((t): t is string => typeof t === 'string') : [],
    inStock: p.inStock === true,
    createdAt: typeof p.createdAt === 'number' ? p.createdAt : 0,
  };
}
