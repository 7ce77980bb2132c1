import 'reflect-metadata';

import { Directive, Field, Float, ID, Int, ObjectType } from 'type-graphql';

import type { ItemInputError as ItemInputErrorFields } from '../domain/batch.js';
import type { ItemAttributeFields, MoneyFields } from '../domain/item.js';
import type { CatalogItem } from '../domain/stored-item.js';

@ObjectType('Money', { description: 'An amount of money in one currency.' })
@Directive('@shareable')
export class Money implements MoneyFields {
  @Field(() => Float, { description: "Amount in the currency's major unit, e.g. 19.99." })
  amount!: number;

  @Field(() => String, { description: 'ISO 4217 currency code, e.g. EUR.' })
  currency!: string;
}

@ObjectType('ItemAttribute', {
  description: 'A named fact about an item, such as brand or material.',
})
export class ItemAttribute implements ItemAttributeFields {
  @Field(() => String, { description: 'Attribute name, e.g. "material"; unique within an item.' })
  name!: string;

  @Field(() => String, { description: 'Attribute value, e.g. "walnut".' })
  value!: string;
}

@ObjectType('Item', { description: 'A product of the catalog.' })
@Directive('@key(fields: "id")')
export class Item implements CatalogItem {
  @Field(() => ID, { description: 'Catalog id, e.g. "electronics-001".' })
  id!: string;

  @Field(() => String, { description: 'Product name as shown to shoppers.' })
  title!: string;

  @Field(() => String, { description: 'Plain-text description; may be empty.' })
  description!: string;

  @Field(() => String, { description: 'Category, lowercase, e.g. "home-decor".' })
  category!: string;

  @Field(() => [String], { description: 'Tags, lowercase and distinct, e.g. "wireless".' })
  tags!: string[];

  @Field(() => Money, { description: 'Current price.' })
  price!: Money;

  @Field(() => String, {
    nullable: true,
    description: 'Product image URL; null when there is none.',
  })
  imageUrl!: string | null;

  @Field(() => Boolean, { description: 'Whether the item can be bought now.' })
  inStock!: boolean;

  @Field(() => [ItemAttribute], { description: 'Named facts in the order they were given.' })
  attributes!: ItemAttribute[];

  @Field(() => Date, { description: 'When the item first entered the catalog.' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When the item was last written.' })
  updatedAt!: Date;
}

@ObjectType('PageInfo', { description: 'Where a page of a connection ends.' })
@Directive('@shareable')
export class PageInfo {
  @Field(() => String, {
    nullable: true,
    description: 'Pass as `after` to get the next page; null when there is none.',
  })
  endCursor!: string | null;

  @Field(() => Boolean, { description: 'Whether another page follows.' })
  hasNextPage!: boolean;
}

@ObjectType('ItemConnection', { description: 'A page of catalog items.' })
export class ItemConnection {
  @Field(() => [Item], { description: 'The items of this page.' })
  nodes!: Item[];

  @Field(() => PageInfo, { description: 'How to get the next page.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'Items matching the filters, over all pages.' })
  totalCount!: number;
}

@ObjectType('ItemSearchHit', { description: 'An item found by a search, with its relevance.' })
export class ItemSearchHit {
  @Field(() => Item, { description: 'The item found.' })
  item!: Item;

  @Field(() => Float, {
    description: 'Similarity to the search text; higher is closer (at most 1).',
  })
  score!: number;
}

@ObjectType('CategorySummary', { description: 'A category and how many items it holds.' })
export class CategorySummary {
  @Field(() => String, { description: 'Category name, lowercase.' })
  name!: string;

  @Field(() => Int, { description: 'Items in the category, in stock or not.' })
  itemCount!: number;
}

@ObjectType('ItemInputError', { description: 'Why one field of one input item was refused.' })
export class ItemInputError implements ItemInputErrorFields {
  @Field(() => Int, { description: 'Position of the item in the input list, from 0.' })
  index!: number;

  @Field(() => ID, { nullable: true, description: "The item's id, when it could be read." })
  itemId!: string | null;

  @Field(() => String, {
    description: 'Path of the refused field, e.g. "title", "price.amount" or "tags.3".',
  })
  field!: string;

  @Field(() => String, { description: 'What is wrong, with the limit it broke.' })
  message!: string;
}

@ObjectType('UpsertItemsResult', {
  description: 'Outcome of upsertItems: valid items are stored, the others are listed in errors.',
})
export class UpsertItemsResult {
  @Field(() => Int, { description: 'How many items were stored (created or replaced).' })
  upserted!: number;

  @Field(() => [Item], { description: 'The stored items, in input order.' })
  items!: Item[];

  @Field(() => [ItemInputError], {
    description: 'One entry per refused field; an item with any error is not stored.',
  })
  errors!: ItemInputError[];
}
