import { type ItemPayload, type Payload, readItemPayload } from '@tailor/kit';

import type { ItemAttributeFields, MoneyFields, ValidItem } from './item.js';

/** An item as the catalog serves it. */
export interface CatalogItem {
  id: string;
  title: string;
  description: string;
  category: string;
  tags: string[];
  price: MoneyFields;
  imageUrl: string | null;
  inStock: boolean;
  attributes: ItemAttributeFields[];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * How often the category is said in the embedded text. Said once, a long description drowns
 * it; said twice, items of one category stay near each other.
 */
export const CATEGORY_REPEAT = 2;

/**
 * The text an item is embedded from: what a shopper would search by. Attribute names are left
 * out (every item has a "brand"), their values kept ("leather", "walnut").
 */
export function itemEmbeddingText(item: ValidItem): string {
  const category = item.category.replace(/[-_]/g, ' ');
  return [
    item.title,
    Array.from({ length: CATEGORY_REPEAT }, () => category).join('. '),
    item.tags.join(', '),
    item.description,
    item.attributes.map((attribute) => attribute.value).join(', '),
  ]
    .filter((part) => part !== '')
    .join('. ');
}

/** The stored payload of an item; timestamps in epoch milliseconds. */
export function toItemPayload(item: ValidItem, createdAt: number, updatedAt: number): ItemPayload {
  return {
    itemId: item.id,
    title: item.title,
    description: item.description,
    category: item.category,
    tags: item.tags,
    price: item.price.amount,
    currency: item.price.currency,
    ...(item.imageUrl === null ? {} : { imageUrl: item.imageUrl }),
    inStock: item.inStock,
    attributes: Object.fromEntries(item.attributes.map((a) => [a.name, a.value])),
    createdAt,
    updatedAt,
  };
}

/** Reads a stored payload back with kit's reader (the one every service reads items with). */
export function fromItemPayload(payload: Payload): CatalogItem {
  const p = readItemPayload(payload);
  return {
    id: p.itemId,
    title: p.title,
    description: p.description,
    category: p.category,
    tags: p.tags,
    price: { amount: p.price, currency: p.currency },
    imageUrl: p.imageUrl ?? null,
    inStock: p.inStock,
    attributes: Object.entries(p.attributes).map(([name, value]) => ({ name, value })),
    createdAt: new Date(p.createdAt),
    updatedAt: new Date(p.updatedAt),
  };
}
