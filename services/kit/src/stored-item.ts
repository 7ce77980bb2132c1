import { z } from 'zod';

import type { ItemPayload } from './collections.js';
import type { Payload } from './ports/vector-store.js';

/**
 * The `items` payload as every reader takes it: the catalog writes it whole, but a reader often
 * asks the store for a few keys only, and a point written by an older version or edited by hand
 * may lack or mistype a field. Absent fields get neutral values: no text, no tags, price 0, not
 * in stock (what the store's `inStock: true` filter also assumes), timestamps 0.
 */
export const storedItemPayload = z.object({
  itemId: z.string().optional(),
  title: z.string().default(''),
  description: z.string().default(''),
  category: z.string().default(''),
  tags: z.array(z.string()).default([]),
  price: z.number().default(0),
  currency: z.string().default(''),
  imageUrl: z.string().optional(),
  inStock: z.boolean().default(false),
  // Attributes are strings as the catalog writes them; numbers and flags set by hand still read.
  attributes: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String))
    .default({}),
  createdAt: z.number().default(0),
  updatedAt: z.number().default(0),
});

type Field = keyof typeof storedItemPayload.shape;
const FIELDS = Object.keys(storedItemPayload.shape) as Field[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One field that failed the schema, read as much as it can be: a list keeps its strings, a map
 * its readable entries, anything else reads as absent.
 */
function tolerantField(field: Field, value: unknown): unknown {
  const schema = storedItemPayload.shape[field];
  if (field === 'tags' && Array.isArray(value)) {
    return value.filter((tag): tag is string => typeof tag === 'string');
  }
  if (field === 'attributes' && isRecord(value)) {
    const readable = Object.entries(value).filter(
      ([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean',
    );
    return schema.parse(Object.fromEntries(readable));
  }
  return schema.parse(undefined);
}

/**
 * Reads an `items` payload; never fails. `pointId` stands in for a missing `itemId` (the point
 * id is the item id). Valid payloads take one schema pass; a damaged one is read field by field
 * so one bad field cannot lose the others.
 */
export function readItemPayload(payload: Payload, pointId = ''): ItemPayload {
  const parsed = storedItemPayload.safeParse(payload);
  let read: z.output<typeof storedItemPayload>;
  if (parsed.success) {
    read = parsed.data;
  } else {
    const fields: Record<string, unknown> = {};
    for (const field of FIELDS) {
      const one = storedItemPayload.shape[field].safeParse(payload[field]);
      fields[field] = one.success ? one.data : tolerantField(field, payload[field]);
    }
    read = fields as z.output<typeof storedItemPayload>;
  }
  const { itemId, imageUrl, ...rest } = read;
  return {
    itemId: itemId ?? pointId,
    ...rest,
    ...(imageUrl === undefined ? {} : { imageUrl }),
  };
}
