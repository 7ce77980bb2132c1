import type { ReferenceResolvers } from '@tailor/kit';
import DataLoader from 'dataloader';

import type { CatalogItem } from '../domain/stored-item.js';
import type { ItemService } from '../item.service.js';

/** What the gateway sends to resolve an `Item` it got from another subgraph. */
export interface ItemReferenceKey {
  id: string;
}

/**
 * Loads items by id with one store call per request tick, shared by `Query.item` and the
 * federation reference resolver: federation resolves `_entities` by calling the reference
 * resolver once per representation in a plain loop, so a query for 50 items becomes one store
 * call instead of 50. One loader per request context: results are remembered for the request's
 * life, never shared between requests.
 */
export class ItemLoaders {
  private readonly byContext = new WeakMap<object, DataLoader<string, CatalogItem | undefined>>();

  constructor(private readonly items: Pick<ItemService, 'getMany'>) {}

  /** The item with this id, or null when the catalog does not know it. */
  async load(id: string, context: object): Promise<CatalogItem | null> {
    let loader = this.byContext.get(context);
    if (loader === undefined) {
      loader = new DataLoader(async (ids) => {
        const found = await this.items.getMany(ids);
        return ids.map((itemId) => found.get(itemId));
      });
      this.byContext.set(context, loader);
    }
    return (await loader.load(id)) ?? null;
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
