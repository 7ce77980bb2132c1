import 'reflect-metadata';

import { Field, Float, ID, InputType } from 'type-graphql';

import {
  ITEM_LIMITS,
  type ItemAttributeFields,
  type ItemFields,
  type MoneyFields,
} from '../domain/item.js';

const L = ITEM_LIMITS;

@InputType('MoneyInput', { description: 'A price.' })
export class MoneyInput implements MoneyFields {
  @Field(() => Float, {
    description: `Amount in the currency's major unit: 0 to ${L.priceMaxAmount}, at most ${L.priceMaxDecimals} decimals.`,
  })
  amount!: number;

  @Field(() => String, { description: 'ISO 4217 code, three capital letters, e.g. EUR.' })
  currency!: string;
}

@InputType('ItemAttributeInput', { description: 'A named fact about an item.' })
export class ItemAttributeInput implements ItemAttributeFields {
  @Field(() => String, {
    description: `Name, 1 to ${L.attributeNameMaxLength} characters, unique within the item.`,
  })
  name!: string;

  @Field(() => String, { description: `Value, 1 to ${L.attributeValueMaxLength} characters.` })
  value!: string;
}

@InputType('ItemInput', {
  description: 'An item to create or replace; an item with the same id is replaced whole.',
})
export class ItemInput implements ItemFields {
  @Field(() => ID, {
    description: `Catalog id: 1 to ${L.idMaxLength} of A-Z a-z 0-9 . _ : -`,
  })
  id!: string;

  @Field(() => String, { description: `Product name, 1 to ${L.titleMaxLength} characters.` })
  title!: string;

  @Field(() => String, {
    description: `Plain-text description, at most ${L.descriptionMaxLength} characters.`,
  })
  description!: string;

  @Field(() => String, {
    description: `Category, 1 to ${L.categoryMaxLength} characters; stored lowercase.`,
  })
  category!: string;

  @Field(() => [String], {
    nullable: true,
    defaultValue: [],
    description: `At most ${L.maxTags} tags of 1 to ${L.tagMaxLength} characters; stored lowercase, trimmed and distinct.`,
  })
  tags?: string[] | null;

  @Field(() => MoneyInput, { description: 'Current price.' })
  price!: MoneyInput;

  @Field(() => String, {
    nullable: true,
    description: `Absolute http(s) URL of a product image, at most ${L.imageUrlMaxLength} characters.`,
  })
  imageUrl?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description: 'Whether the item can be bought now.',
  })
  inStock?: boolean | null;

  @Field(() => [ItemAttributeInput], {
    nullable: true,
    defaultValue: [],
    description: `At most ${L.maxAttributes} named facts (brand, material, color, size…).`,
  })
  attributes?: ItemAttributeInput[] | null;
}
