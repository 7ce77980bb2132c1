// The feed page's data and the pure decisions it makes about it: no DOM, no network, so it is
// unit-tested under Node.

/** A price as the graph serves it. */
export interface Money {
  amount: number;
  currency: string;
}

/** One card of the feed: a recommendation with its generated copy and thumbnail. */
export interface FeedCard {
  item: { id: string; title: string; category: string; price: Money };
  score: number;
  reasons: string[];
  description: {
    text: string;
    provider: string;
    model: string;
    promptVersion: string;
    grounded: boolean;
    /** The user's interest the copy was written around; null when it names none. */
    interest: string | null;
  };
  ad: { headline: string; body: string; callToAction: string; interest: string | null };
  thumbnail: { url: string; altText: string; width: number; height: number };
}

/** The part of the Home query's answer the page shows as cards. */
export interface HomeData {
  user: {
    id: string;
    recommendations: {
      recommendationId: string;
      strategy: string;
      items: FeedCard[];
    };
  };
}

/** A category or tag with its share of the user's interest (0 to 1). */
export interface WeightedInterest {
  name: string;
  weight: number;
}

/** What the profile panel shows. */
export interface ProfileSnapshot {
  eventCount: number;
  topCategories: WeightedInterest[];
  topTags: WeightedInterest[];
}

/** The answer of the page's FeedProfile query. */
export interface ProfileData {
  user: { id: string; profile: ProfileSnapshot };
}

/** One interest row of the profile panel, with how it moved since the previous refresh. */
export interface InterestRow extends WeightedInterest {
  /** Weight now minus weight at the previous refresh; null when there was no previous refresh. */
  delta: number | null;
  /** True when the interest was not in the previous refresh's list. */
  isNew: boolean;
}

/**
 * Pairs each interest with its weight at the previous refresh. An interest missing from the
 * previous list counts as 0 then: the lists are top-N, so it was at most below the cut.
 */
export function interestRows(
  now: readonly WeightedInterest[],
  before: readonly WeightedInterest[] | undefined,
): InterestRow[] {
  const previous = new Map((before ?? []).map((interest) => [interest.name, interest.weight]));
  return now.map(({ name, weight }) => {
    const was = previous.get(name);
    return {
      name,
      weight,
      delta: before === undefined ? null : weight - (was ?? 0),
      isNew: before !== undefined && was === undefined,
    };
  });
}

/** Changes smaller than this (a tenth of a percentage point) are shown as no change. */
const VISIBLE_DELTA = 0.001;

/** A weight as a percentage, e.g. `42.3%`. */
export function formatShare(weight: number): string {
  return `${(weight * 100).toFixed(1)}%`;
}

/** A change of weight in percentage points, e.g. `+3.1 pts`; empty when there is none to show. */
export function formatDelta(delta: number | null): string {
  if (delta === null || Math.abs(delta) < VISIBLE_DELTA) return '';
  const points = (delta * 100).toFixed(1);
  return `${delta > 0 ? '+' : ''}${points} pts`;
}

/** What each card button records, as GraphQL `EventType` values. */
export const CARD_ACTIONS = [
  { action: 'view', label: 'View', type: 'VIEW' },
  { action: 'like', label: 'Like', type: 'LIKE' },
  { action: 'dislike', label: 'Dislike', type: 'DISLIKE' },
  { action: 'buy', label: 'Buy', type: 'PURCHASE' },
] as const;
export type CardAction = (typeof CARD_ACTIONS)[number];

/** Recorded with every event, so the page's traffic is told apart from other frontends'. */
export const FEED_SURFACE = 'feed-page';

/**
 * A short stable id for a piece of generated text (FNV-1a, 32 bits, hex). Generation serves no
 * id for its texts; this one changes whenever the words do, which is what an A/B analysis of
 * creatives needs. Not a security hash.
 */
export function textId(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * The thumbnail's own id: its URL is content-addressed (`/thumbnails/<sha256>.png`), so the file
 * name is the id. Falls back to a hash of the whole URL for any other URL shape.
 */
export function thumbnailId(url: string): string {
  const name = /\/([0-9a-f]{16,})\.png(?:[?#].*)?$/i.exec(url)?.[1];
  return name ?? textId(url);
}

/** The ids of the creatives one card showed, for the event context. */
export interface CardCreatives {
  /** The thumbnail: what the user saw first. Sent as the contract's `creativeId`. */
  creativeId: string;
  adCreativeId: string;
  descriptionCreativeId: string;
}

export function creativesOf(card: FeedCard): CardCreatives {
  const { ad, description } = card;
  return {
    creativeId: `thumbnail:${thumbnailId(card.thumbnail.url)}`,
    adCreativeId: `ad:${textId([ad.headline, ad.body, ad.callToAction].join('\n'))}`,
    descriptionCreativeId: `description:${description.promptVersion}:${textId(description.text)}`,
  };
}

/** A `UserEventInput` of the graph, as the page sends it. */
export interface EventInput {
  userId: string;
  itemId: string;
  type: CardAction['type'];
  context: {
    surface: string;
    recommendationId: string;
    creativeId: string;
    device: string;
    extra: { key: string; value: string }[];
  };
}

/** The event a card button records: the item, the list it came from and what it showed. */
export function cardEvent(
  userId: string,
  recommendationId: string,
  card: FeedCard,
  position: number,
  action: CardAction,
): EventInput {
  const creatives = creativesOf(card);
  return {
    userId,
    itemId: card.item.id,
    type: action.type,
    context: {
      surface: FEED_SURFACE,
      recommendationId,
      creativeId: creatives.creativeId,
      device: 'web',
      extra: [
        { key: 'adCreativeId', value: creatives.adCreativeId },
        { key: 'descriptionCreativeId', value: creatives.descriptionCreativeId },
        { key: 'position', value: String(position) },
      ],
    },
  };
}

/** The line under a card's copy saying which of the user's interests it was written around. */
export function interestLine(card: FeedCard): string {
  const interest = card.description.interest ?? card.ad.interest;
  return interest === null
    ? 'Copy not tied to an interest yet: no history for this user'
    : `Copy written around your interest in ${interest}`;
}
