import { z } from 'zod';

import type { ItemFieldError, ItemFields } from '../domain/item.js';

/**
 * Turns JSONL lines and CSV rows into `ItemInput` objects. Only the shape is checked here (what
 * GraphQL would refuse for the whole batch: a string where a number belongs); every limit is
 * left to the service, so the import reports exactly what `upsertItems` says.
 */

export type RecordResult =
  { ok: true; input: ItemFields } | { ok: false; errors: ItemFieldError[] };

/** CSV columns in the documented order; the header row names them, in any order. */
export const CSV_COLUMNS = [
  'id',
  'title',
  'description',
  'category',
  'tags',
  'price',
  'currency',
  'imageUrl',
  'inStock',
  'attributes',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
export const REQUIRED_CSV_COLUMNS: readonly CsvColumn[] = [
  'id',
  'title',
  'description',
  'category',
  'price',
  'currency',
];

/** Separates list entries inside one CSV cell: tags and `name=value` attributes. */
export const CSV_LIST_SEPARATOR = ';';

const wireItem = z.object({
  id: z.string({ error: 'id must be a string' }),
  title: z.string({ error: 'title must be a string' }),
  description: z.string({ error: 'description must be a string' }),
  category: z.string({ error: 'category must be a string' }),
  tags: z
    .array(z.string({ error: 'tags must be strings' }), { error: 'tags must be a list' })
    .nullish(),
  price: z.object(
    {
      amount: z.number({ error: 'amount must be a number' }),
      currency: z.string({ error: 'currency must be a string' }),
    },
    { error: 'price must be {amount, currency} or a number with a currency field' },
  ),
  imageUrl: z.string({ error: 'imageUrl must be a string' }).nullish(),
  inStock: z.boolean({ error: 'inStock must be true or false' }).nullish(),
  attributes: z
    .array(
      z.object({
        name: z.string({ error: 'attribute name must be a string' }),
        value: z.string({ error: 'attribute value must be a string' }),
      }),
      { error: 'attributes must be a list of {name, value}' },
    )
    .nullish(),
});

function fromWire(value: unknown): RecordResult {
  const result = wireItem.safeParse(value);
  if (!result.success) {
    return {
      ok: false,
      errors: result.error.issues.map((issue) => ({
        field: issue.path.length === 0 ? 'item' : issue.path.map(String).join('.'),
        message: issue.message,
      })),
    };
  }
  const { tags, imageUrl, inStock, attributes, ...required } = result.data;
  return {
    ok: true,
    input: {
      ...required,
      ...(tags == null ? {} : { tags }),
      ...(imageUrl == null ? {} : { imageUrl }),
      ...(inStock == null ? {} : { inStock }),
      ...(attributes == null ? {} : { attributes }),
    },
  };
}

/**
 * One JSONL line: an `ItemInput` object. A flat `price` number with a `currency` field is
 * accepted too, like the CSV columns. Other fields (e.g. `createdAt`) are ignored.
 */
export function recordFromJsonLine(line: string): RecordResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, errors: [{ field: 'item', message: 'line is not valid JSON' }] };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    if (typeof object.price === 'number' && typeof object.currency === 'string') {
      const { currency, ...rest } = object;
      value = { ...rest, price: { amount: object.price, currency } };
    }
  }
  return fromWire(value);
}

/** Problems with a CSV header: required columns missing, and columns nobody reads. */
export interface CsvHeaderCheck {
  missing: CsvColumn[];
  unknown: string[];
}

export function checkCsvHeader(header: readonly string[]): CsvHeaderCheck {
  const names = header.map((name) => name.trim());
  return {
    missing: REQUIRED_CSV_COLUMNS.filter((column) => !names.includes(column)),
    unknown: names.filter((name) => !(CSV_COLUMNS as readonly string[]).includes(name)),
  };
}

const NUMBER = /^-?\d+(\.\d+)?$/;
const TRUE = new Set(['true', 'yes', '1']);
const FALSE = new Set(['false', 'no', '0']);

function splitList(cell: string): string[] {
  return cell
    .split(CSV_LIST_SEPARATOR)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/**
 * One CSV row by column name. Empty optional cells mean "not given"; `tags` is `a;b;c` and
 * `attributes` is `name=value;name=value` (the first `=` splits).
 */
export function recordFromCsvRow(row: Readonly<Partial<Record<CsvColumn, string>>>): RecordResult {
  const errors: ItemFieldError[] = [];
  const price = (row.price ?? '').trim();
  if (!NUMBER.test(price))
    errors.push({
      field: 'price',
      message: `price must be a number such as 19.99, got ${JSON.stringify(price)}`,
    });
  const stock = (row.inStock ?? '').trim().toLowerCase();
  if (stock !== '' && !TRUE.has(stock) && !FALSE.has(stock)) {
    errors.push({
      field: 'inStock',
      message: `inStock must be true or false, got ${JSON.stringify(row.inStock)}`,
    });
  }
  const attributes = splitList(row.attributes ?? '').map((pair, index) => {
    const at = pair.indexOf('=');
    if (at <= 0) {
      errors.push({
        field: `attributes.${index}`,
        message: `attribute must be name=value, got ${JSON.stringify(pair)}`,
      });
      return { name: '', value: '' };
    }
    return { name: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim() };
  });
  if (errors.length > 0) return { ok: false, errors };
  const imageUrl = (row.imageUrl ?? '').trim();
  return {
    ok: true,
    input: {
      id: row.id ?? '',
      title: row.title ?? '',
      description: row.description ?? '',
      category: row.category ?? '',
      tags: splitList(row.tags ?? ''),
      price: { amount: Number(price), currency: (row.currency ?? '').trim() },
      ...(imageUrl === '' ? {} : { imageUrl }),
      ...(stock === '' ? {} : { inStock: TRUE.has(stock) }),
      attributes,
    },
  };
}
