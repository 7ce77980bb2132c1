import type { ReferenceResolvers } from '@tailor/kit';

import { createBatchLoader, type LoadOne } from '../batch-loader.js';
import type { CatalogItem } from '../domain/stored-item.js';
import type { ItemService } from '../item.service.js';

/** What the gateway sends to resolve an `Item` it got from another subgraph. */
export interface ItemReferenceKey {
  id: string;
}

/**
 * Loads items by id with one store call per request tick, shared by `Query.item` and the
 * federation reference resolver. One loader per request context: results are never shared
 * between requests, and a loader dies with its request.
 */
export class ItemLoaders {
  private readonly byContext = new WeakMap<object, LoadOne<string, CatalogItem>>();

  constructor(private readonly items: ItemService) {}

  /** The item with this id, or null when the catalog does not know it. */
  async load(id: string, context: object): Promise<CatalogItem | null> {
    let loader = this.byContext.get(context);
    if (loader === undefined) {
      loader = createBatchLoader((ids) => this.items.getMany(ids));
      this.byContext.set(context, loader);
    }
    return (await loader(id)) ?? null;
  }
}

/** `Item.__resolveReference`, for `buildFederatedSchema`. */
export function itemReferenceResolvers(loaders: ItemLoaders): ReferenceResolvers {
  return {
    Item: {
      __resolveReference: (reference: ItemReferenceKey, context: object) =>
        loaders.load(String(reference.id), context),
    },
  };
}
