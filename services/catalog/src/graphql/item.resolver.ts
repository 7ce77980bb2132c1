import 'reflect-metadata';

import { authorizeService, clientErrors, type RequestContext } from '@tailor/kit';
import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';

import { ITEM_LIMITS } from '../domain/item.js';
import { QUERY_LIMITS } from '../domain/query.js';
import { ItemService } from '../item.service.js';
import { ItemsArgs, SearchItemsArgs } from './item.args.js';
import { ItemInput } from './item.input.js';
import { ItemLoaders } from './item.reference.js';
import {
  CategorySummary,
  Item,
  ItemConnection,
  ItemSearchHit,
  UpsertItemsResult,
} from './item.type.js';

const Q = QUERY_LIMITS;

@Resolver(() => Item)
export class ItemResolver {
  constructor(
    private readonly catalog: ItemService,
    private readonly loaders: ItemLoaders,
  ) {}

  @Query(() => Item, { nullable: true, description: 'The item with this id; null when unknown.' })
  async item(
    @Arg('id', () => ID, { description: 'Catalog id of the item.' }) id: string,
    @Ctx() context: RequestContext,
  ): Promise<Item | null> {
    if (id.length > ITEM_LIMITS.idMaxLength) return null;
    return this.loaders.load(id, context);
  }

  @Query(() => ItemConnection, {
    description:
      'Pages through the catalog in a stable order. Keep the filters the same from page to page.',
  })
  async items(@Args(() => ItemsArgs) args: ItemsArgs): Promise<ItemConnection> {
    const page = await clientErrors(() =>
      this.catalog.list({ ...args, first: args.first ?? Q.defaultPageSize }),
    );
    return {
      nodes: page.items,
      pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
      totalCount: page.totalCount,
    };
  }

  @Query(() => [ItemSearchHit], {
    description: 'Items whose content is nearest to the text (vector search), best first.',
  })
  async searchItems(@Args(() => SearchItemsArgs) args: SearchItemsArgs): Promise<ItemSearchHit[]> {
    return clientErrors(() =>
      this.catalog.search({ ...args, first: args.first ?? Q.defaultSearchResults }),
    );
  }

  @Query(() => [CategorySummary], {
    description: 'Every category with its item count, sorted by name.',
  })
  async categories(): Promise<CategorySummary[]> {
    return this.catalog.categories();
  }

  @Mutation(() => UpsertItemsResult, {
    description:
      'Creates or replaces items by id. Each item is checked on its own: valid ones are embedded ' +
      'and stored, the others are listed in errors. A batch over the size limit is refused as a ' +
      'whole (BAD_USER_INPUT naming `items`) and nothing is stored.',
  })
  async upsertItems(
    @Arg('items', () => [ItemInput], {
      description: `The items, at most ${ITEM_LIMITS.maxBatchSize} of them.`,
    })
    items: ItemInput[],
    @Ctx() context: RequestContext,
  ): Promise<UpsertItemsResult> {
    authorizeService(context.viewer, 'upsert items');
    return clientErrors(() => this.catalog.upsert(items));
  }
}
