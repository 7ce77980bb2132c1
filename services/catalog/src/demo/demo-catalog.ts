import { fnv1a32CodeUnits } from '@tailor/kit';

import { createRandom, type Random } from './random.js';
import {
  ATTRIBUTE_SENTENCES,
  CATEGORIES,
  type CategoryVocabulary,
  type ProductKind,
  SHARED_TAGS,
} from './vocabulary.js';

/** Seed of the committed demo catalog; change it and the whole catalog changes. */
export const DEMO_SEED = 20_250_601;
/**
 * The moment the demo catalog's ages are measured from. Fixed, so generating twice gives the
 * same file; the loader re-anchors ages to the time of loading.
 */
export const DEMO_EPOCH_MS = Date.UTC(2025, 5, 1);
/** Items were "created" within this many days before the epoch. */
export const DEMO_SPAN_DAYS = 180;
/** Items per category, inclusive. */
export const DEMO_ITEMS_PER_CATEGORY = [27, 32] as const;
/** Items younger than this at the epoch are tagged "new-arrival". */
const NEW_ARRIVAL_DAYS = 30;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const MIN_TAGS = 3;
const MAX_TAGS = 6;
const ECO_MATERIAL = /recycled|organic|bamboo|cork|jute|responsibly/;
const HANDMADE_CATEGORIES: ReadonlySet<string> = new Set([
  'home-decor',
  'kitchen',
  'fashion',
  'beauty',
]);

/** One line of the demo catalog file: an `ItemInput` plus its creation time. */
export interface DemoItem {
  id: string;
  title: string;
  description: string;
  category: string;
  tags: string[];
  price: { amount: number; currency: 'EUR' };
  inStock: boolean;
  attributes: { name: string; value: string }[];
  /** ISO-8601, before {@link DEMO_EPOCH_MS}. */
  createdAt: string;
}

/** String seeds per category, so editing one category leaves the others' items unchanged. */
function categorySeed(seed: number, name: string): number {
  return fnv1a32CodeUnits(name, seed);
}

/** A price in the range that ends the way shop prices do (.99, .49, .95 or whole). */
function priceIn(r: Random, [low, high]: readonly [number, number]): number {
  const euros = Math.floor(low + r.next() * (high - low));
  const cents = r.pick([99, 99, 99, 49, 95, 0]);
  return Math.round(euros * 100 + cents) / 100;
}

class TitleBook {
  private readonly used = new Set<string>();

  constructor(private readonly category: CategoryVocabulary) {}

  /** Kinds that can still get a title nobody has. */
  open(): ProductKind[] {
    return this.category.kinds.filter((kind) => this.candidates(kind).length > 0);
  }

  take(r: Random, kind: ProductKind): { title: string; maker: string } {
    const title = r.pick(this.candidates(kind));
    this.used.add(title);
    const maker =
      kind.titles === undefined
        ? this.category.makers.find((m) => title.startsWith(`${m} `))!
        : r.pick(this.category.makers);
    return { title, maker };
  }

  private candidates(kind: ProductKind): string[] {
    const all =
      kind.titles ??
      this.category.makers.flatMap((maker) =>
        this.category.styles.map((style) => `${maker} ${style} ${kind.name}`),
      );
    return all.filter((title) => !this.used.has(title));
  }
}

function pickAttributes(
  r: Random,
  category: CategoryVocabulary,
  kind: ProductKind,
  maker: string,
): { name: string; value: string }[] {
  const pool: Record<string, readonly string[]> = { ...category.attributes, ...kind.attributes };
  // Kind attributes first: they say the most about the item (a sweater's material).
  const names = [
    ...Object.keys(kind.attributes ?? {}),
    ...Object.keys(category.attributes).filter((name) => !(name in (kind.attributes ?? {}))),
  ];
  const chosen = r.sample(names, r.int(1, 3));
  chosen.sort((a, b) => names.indexOf(a) - names.indexOf(b));
  return [
    { name: category.makerAttribute, value: maker },
    ...chosen.map((name) => ({ name, value: r.pick(pool[name]!) })),
  ];
}

function describe(
  r: Random,
  category: CategoryVocabulary,
  kind: ProductKind,
  attributes: readonly { name: string; value: string }[],
): string {
  const sentences = [r.pick(kind.pitches)];
  const sayable = attributes.filter((a) => ATTRIBUTE_SENTENCES[a.name] !== undefined);
  if (sayable.length > 0 && r.chance(0.6)) {
    const attribute = r.pick(sayable);
    sentences.push(ATTRIBUTE_SENTENCES[attribute.name]!(attribute.value));
  }
  if (r.chance(0.5)) sentences.push(r.pick(category.closers));
  return sentences.join(' ');
}

function pickTags(
  r: Random,
  category: CategoryVocabulary,
  kind: ProductKind,
  facts: {
    amount: number;
    ageDays: number;
    attributes: readonly { name: string; value: string }[];
  },
): string[] {
  const [low, high] = kind.price;
  const base = [...r.sample(kind.tags, r.int(2, 3)), ...r.sample(category.tags, 1)];
  const shared: string[] = [];
  // Shared tags follow the facts where a fact decides them, so they never contradict the item.
  if (facts.amount >= low + 0.8 * (high - low)) shared.push(SHARED_TAGS.premium);
  if (facts.amount <= low + 0.15 * (high - low)) shared.push(SHARED_TAGS.budget);
  const eco =
    facts.attributes.some((a) => a.name === 'material' && ECO_MATERIAL.test(a.value)) ||
    kind.tags.includes('zero-waste') ||
    kind.tags.includes('reusable');
  if (eco) shared.push(SHARED_TAGS.ecoFriendly);
  if (facts.ageDays < NEW_ARRIVAL_DAYS) shared.push(SHARED_TAGS.newArrival);
  if (r.chance(0.22)) shared.push(SHARED_TAGS.gift);
  if (HANDMADE_CATEGORIES.has(category.name) && r.chance(0.15)) shared.push(SHARED_TAGS.handmade);
  if (r.chance(0.08)) shared.push(SHARED_TAGS.bestseller);
  const tags = [...new Set([...base, ...shared])].slice(0, MAX_TAGS);
  // A kind tag equal to a category tag ("cooking") can leave too few; top up from both lists.
  for (const spare of [...kind.tags, ...category.tags]) {
    if (tags.length >= MIN_TAGS) break;
    if (!tags.includes(spare)) tags.push(spare);
  }
  return tags;
}

function generateCategory(seed: number, category: CategoryVocabulary): DemoItem[] {
  const r = createRandom(categorySeed(seed, category.name));
  const titles = new TitleBook(category);
  const count = r.int(...DEMO_ITEMS_PER_CATEGORY);
  const items: DemoItem[] = [];
  for (let n = 1; n <= count; n += 1) {
    const kind = r.pick(titles.open());
    const { title, maker } = titles.take(r, kind);
    const amount = priceIn(r, kind.price);
    const attributes = pickAttributes(r, category, kind, maker);
    const description = describe(r, category, kind, attributes);
    const ageMinutes = r.int(0, (DEMO_SPAN_DAYS * DAY_MS) / MINUTE_MS);
    const createdAt = DEMO_EPOCH_MS - ageMinutes * MINUTE_MS;
    const tags = pickTags(r, category, kind, {
      amount,
      ageDays: (ageMinutes * MINUTE_MS) / DAY_MS,
      attributes,
    });
    items.push({
      id: `${category.name}-${String(n).padStart(3, '0')}`,
      title,
      description,
      category: category.name,
      tags,
      price: { amount, currency: 'EUR' },
      inStock: r.chance(0.9),
      attributes,
      createdAt: new Date(createdAt).toISOString(),
    });
  }
  return items;
}

/** The demo catalog for a seed: same seed, same items, in category then id order. */
export function generateDemoCatalog(seed: number = DEMO_SEED): DemoItem[] {
  return CATEGORIES.flatMap((category) => generateCategory(seed, category));
}

/** The catalog as JSON Lines, one item per line, ending with a newline. */
export function toJsonLines(items: readonly DemoItem[]): string {
  return items.map((item) => JSON.stringify(item)).join('\n') + '\n';
}
