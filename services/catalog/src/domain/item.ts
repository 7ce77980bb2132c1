import { z } from 'zod';

/**
 * Every limit an item and a batch must respect. They are part of the API: the service README
 * lists them and error messages quote them.
 */
export const ITEM_LIMITS = {
  /** Most items in one `upsertItems` call; a larger batch is refused as a whole. */
  maxBatchSize: 500,
  idMaxLength: 128,
  titleMaxLength: 200,
  descriptionMaxLength: 5_000,
  categoryMaxLength: 64,
  maxTags: 32,
  tagMaxLength: 64,
  maxAttributes: 32,
  attributeNameMaxLength: 64,
  attributeValueMaxLength: 256,
  /** In the currency's major unit. */
  priceMaxAmount: 1_000_000_000,
  priceMaxDecimals: 2,
  imageUrlMaxLength: 2_048,
} as const;

/** Characters an item id may use: safe in URLs, log lines and CSV without quoting. */
export const ITEM_ID_PATTERN = /^[A-Za-z0-9._:-]+$/;
/** The form of an ISO 4217 currency code. */
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;

/** A name/value fact such as brand or material. */
export interface ItemAttributeFields {
  name: string;
  value: string;
}

/** A price as sent and as served. */
export interface MoneyFields {
  amount: number;
  currency: string;
}

/** An item as a client sends it, through GraphQL, a JSONL line or a CSV row. */
export interface ItemFields {
  id: string;
  title: string;
  description: string;
  category: string;
  tags?: readonly string[] | null;
  price: MoneyFields;
  imageUrl?: string | null;
  inStock?: boolean | null;
  attributes?: readonly ItemAttributeFields[] | null;
}

/** An item that passed validation, normalized: trimmed texts, lowercase category and tags. */
export interface ValidItem {
  id: string;
  title: string;
  description: string;
  category: string;
  tags: string[];
  price: MoneyFields;
  imageUrl: string | null;
  inStock: boolean;
  attributes: ItemAttributeFields[];
}

/** Why one field of one item was refused; `field` is a path such as `price.amount` or `tags.3`. */
export interface ItemFieldError {
  field: string;
  message: string;
}

export type ItemValidation =
  { ok: true; item: ValidItem } | { ok: false; errors: ItemFieldError[] };

const L = ITEM_LIMITS;

const text = (field: string, min: number, max: number) =>
  z
    .string({ error: `${field} must be a string` })
    .trim()
    .min(
      min,
      min === 1 ? `${field} must not be empty` : `${field} must be at least ${min} characters`,
    )
    .max(max, `${field} must be at most ${max} characters`);

/** `null` means "not given" for optional fields, as GraphQL clients send it. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === null ? undefined : value), schema.optional());

function hasAtMostDecimals(amount: number, decimals: number): boolean {
  // Comparing with the rounded decimal form rejects binary noise such as 0.1 + 0.2 as well.
  return Number(amount.toFixed(decimals)) === amount;
}

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'http:' || protocol === 'https:';
}

const idSchema = z
  .string({ error: 'id must be a string' })
  .min(1, 'id must not be empty')
  .max(L.idMaxLength, `id must be at most ${L.idMaxLength} characters`)
  .regex(ITEM_ID_PATTERN, 'id may only use letters, digits and . _ : -');

const tagsSchema = z
  .array(text('tag', 1, L.tagMaxLength).toLowerCase(), { error: 'tags must be a list of strings' })
  .max(L.maxTags, `at most ${L.maxTags} tags are allowed`)
  // Deduplicated after normalization, so "Gift" and "gift " count once.
  .transform((tags) => [...new Set(tags)]);

const attributeSchema = z.object(
  {
    name: text('attribute name', 1, L.attributeNameMaxLength),
    value: text('attribute value', 1, L.attributeValueMaxLength),
  },
  { error: 'an attribute must be an object with name and value' },
);

const attributesSchema = z
  .array(attributeSchema, { error: 'attributes must be a list of {name, value}' })
  .max(L.maxAttributes, `at most ${L.maxAttributes} attributes are allowed`)
  .superRefine((attributes, ctx) => {
    const seen = new Set<string>();
    attributes.forEach((attribute, index) => {
      if (seen.has(attribute.name)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `attribute name "${attribute.name}" is given more than once`,
        });
      }
      seen.add(attribute.name);
    });
  });

const priceSchema = z.object(
  {
    amount: z
      .number({ error: 'amount must be a number' })
      .min(0, 'amount must not be negative')
      .max(L.priceMaxAmount, `amount must be at most ${L.priceMaxAmount}`)
      .refine(
        (amount) => hasAtMostDecimals(amount, L.priceMaxDecimals),
        `amount may have at most ${L.priceMaxDecimals} decimals`,
      ),
    currency: z
      .string({ error: 'currency must be a string' })
      .regex(
        CURRENCY_PATTERN,
        'currency must be an ISO 4217 code of three capital letters, e.g. EUR',
      ),
  },
  { error: 'price must be an object with amount and currency' },
);

const imageUrlSchema = z
  .string({ error: 'imageUrl must be a string' })
  .max(L.imageUrlMaxLength, `imageUrl must be at most ${L.imageUrlMaxLength} characters`)
  .refine(isHttpUrl, 'imageUrl must be an absolute http(s) URL');

const itemSchema = z.object(
  {
    id: idSchema,
    title: text('title', 1, L.titleMaxLength),
    description: text('description', 0, L.descriptionMaxLength),
    // Lowercase like tags, so filters on category match however a feed spells it.
    category: text('category', 1, L.categoryMaxLength).toLowerCase(),
    tags: optional(tagsSchema),
    price: priceSchema,
    imageUrl: optional(imageUrlSchema),
    inStock: optional(z.boolean({ error: 'inStock must be true or false' })),
    attributes: optional(attributesSchema),
  },
  { error: 'an item must be an object' },
);

/** Normalizes a category the way stored items are, for filters given by clients. */
export function normalizeCategory(category: string): string {
  return category.trim().toLowerCase();
}

/**
 * Validates and normalizes one item. Every problem is reported, each naming its field, so a
 * client can fix an item in one round trip.
 */
export function validateItem(input: unknown): ItemValidation {
  const result = itemSchema.safeParse(input);
  if (!result.success) {
    // One message per field: an empty id breaks both the length and the pattern rule, and
    // saying so twice helps nobody.
    const byField = new Map<string, string>();
    for (const issue of result.error.issues) {
      const field = issue.path.length === 0 ? 'item' : issue.path.map(String).join('.');
      if (!byField.has(field)) byField.set(field, issue.message);
    }
    return { ok: false, errors: [...byField].map(([field, message]) => ({ field, message })) };
  }
  const parsed = result.data;
  return {
    ok: true,
    item: {
      id: parsed.id,
      title: parsed.title,
      description: parsed.description,
      category: parsed.category,
      tags: parsed.tags ?? [],
      price: parsed.price,
      imageUrl: parsed.imageUrl ?? null,
      inStock: parsed.inStock ?? true,
      attributes: parsed.attributes ?? [],
    },
  };
}

/** The `id` of an input as far as it can be read, to label its errors. */
export function inputIdOf(input: unknown): string | null {
  if (typeof input !== 'object' || input === null) return null;
  const id = (input as { id?: unknown }).id;
  return typeof id === 'string' && id !== '' ? id : null;
}
