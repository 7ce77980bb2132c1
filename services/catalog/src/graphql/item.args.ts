import 'reflect-metadata';

import { ArgsType, Field, Int } from 'type-graphql';

import { QUERY_LIMITS } from '../domain/query.js';

const Q = QUERY_LIMITS;

/** The filters `items` and `searchItems` share. */
@ArgsType()
abstract class ItemFilterArgs {
  @Field(() => String, {
    nullable: true,
    description: 'Only items of this category (case-insensitive).',
  })
  category?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Only items that are in stock.',
  })
  inStockOnly?: boolean | null;
}

@ArgsType()
export class ItemsArgs extends ItemFilterArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: Q.defaultPageSize,
    description: `Page size, 1 to ${Q.maxPageSize}.`,
  })
  first?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'The endCursor of the previous page; absent for the first page.',
  })
  after?: string | null;
}

@ArgsType()
export class SearchItemsArgs extends ItemFilterArgs {
  @Field(() => String, {
    description: `What to look for, 1 to ${Q.searchTextMaxLength} characters.`,
  })
  text!: string;

  @Field(() => Int, {
    nullable: true,
    defaultValue: Q.defaultSearchResults,
    description: `How many hits, 1 to ${Q.maxSearchResults}.`,
  })
  first?: number | null;
}
