import { personalScore } from './chooser.js';
import { connectionsFor, otherInterests } from './connection.js';
import { categoryLabel, formatPrice, type ItemFacts } from './facts.js';
import { hasInterests, type InterestSummary, rankedInterests } from './interests.js';
import type { Angle } from './loop/angles.js';
import { capitalize, pick, stableHash } from './text.js';
import { novelTerms, popularityTerm, priceText } from './variants.js';

/** Bounds of a thumbnail side, in pixels. */
export const THUMBNAIL_LIMITS = { minSide: 64, maxSide: 2_048 } as const;
/** Version of the composition below; part of cache keys (the URL hash covers the SVG itself). */
export const THUMBNAIL_VERSION = 'thumbnail-v3';
/** The font family every text of a thumbnail is set in (shipped with the service). */
export const THUMBNAIL_FONT_FAMILY = 'Inter';

/** A bad size argument: which one, and why. */
export interface SizeProblem {
  field: 'width' | 'height';
  message: string;
}

/** Problems of a requested size; empty when both sides are whole numbers within bounds. */
export function thumbnailSizeProblems(width: number, height: number): SizeProblem[] {
  const problems: SizeProblem[] = [];
  const { minSide, maxSide } = THUMBNAIL_LIMITS;
  for (const [field, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(value) || value < minSide || value > maxSide) {
      problems.push({
        field,
        message: `${field} must be a whole number of pixels from ${minSide} to ${maxSide}, got ${value}`,
      });
    }
  }
  return problems;
}

/** Colours of one category's cards. */
interface Palette {
  name: string;
  from: string;
  to: string;
  accent: string;
  ink: string;
  badgeInk: string;
}

const PALETTES: Readonly<Record<string, Palette>> = {
  outdoor: {
    name: 'forest green',
    from: '#1f4d3a',
    to: '#3f8f5f',
    accent: '#d8f3a0',
    ink: '#ffffff',
    badgeInk: '#1f4d3a',
  },
  sports: {
    name: 'signal orange',
    from: '#b23a12',
    to: '#f08a24',
    accent: '#ffe3b3',
    ink: '#ffffff',
    badgeInk: '#7a2608',
  },
  kitchen: {
    name: 'tomato red',
    from: '#8c1c13',
    to: '#d9534f',
    accent: '#ffe0d6',
    ink: '#ffffff',
    badgeInk: '#8c1c13',
  },
  grocery: {
    name: 'fresh lime',
    from: '#3d6b1f',
    to: '#8cbf3f',
    accent: '#f4ffd6',
    ink: '#ffffff',
    badgeInk: '#2f5418',
  },
  books: {
    name: 'ink blue',
    from: '#1d2b53',
    to: '#3e5c9a',
    accent: '#ffd88a',
    ink: '#ffffff',
    badgeInk: '#1d2b53',
  },
  music: {
    name: 'deep violet',
    from: '#3a0f5c',
    to: '#8a3ab9',
    accent: '#f6d0ff',
    ink: '#ffffff',
    badgeInk: '#3a0f5c',
  },
  electronics: {
    name: 'midnight teal',
    from: '#0b2530',
    to: '#137a8a',
    accent: '#9ff3ff',
    ink: '#ffffff',
    badgeInk: '#0b2530',
  },
  toys: {
    name: 'sunny yellow',
    from: '#c98a00',
    to: '#ffcc33',
    accent: '#ffffff',
    ink: '#2b1d00',
    badgeInk: '#6b4a00',
  },
  'home decor': {
    name: 'warm sand',
    from: '#7a5c3e',
    to: '#c9a27e',
    accent: '#fff4e6',
    ink: '#ffffff',
    badgeInk: '#5a3f26',
  },
  fashion: {
    name: 'rose',
    from: '#7d1f4a',
    to: '#d45d8c',
    accent: '#ffe3ef',
    ink: '#ffffff',
    badgeInk: '#7d1f4a',
  },
  beauty: {
    name: 'blush pink',
    from: '#9c4f6b',
    to: '#e8a5bd',
    accent: '#fff0f5',
    ink: '#ffffff',
    badgeInk: '#7a3350',
  },
  garden: {
    name: 'moss green',
    from: '#2e5233',
    to: '#6a9c5a',
    accent: '#e8ffd9',
    ink: '#ffffff',
    badgeInk: '#2e5233',
  },
};

const FALLBACK_PALETTES: readonly Palette[] = [
  {
    name: 'slate blue',
    from: '#25324a',
    to: '#52688f',
    accent: '#d6e4ff',
    ink: '#ffffff',
    badgeInk: '#25324a',
  },
  {
    name: 'plum',
    from: '#4a2545',
    to: '#8f527f',
    accent: '#ffd6f4',
    ink: '#ffffff',
    badgeInk: '#4a2545',
  },
  {
    name: 'pine',
    from: '#1e3b36',
    to: '#3f7f72',
    accent: '#d6fff6',
    ink: '#ffffff',
    badgeInk: '#1e3b36',
  },
  {
    name: 'copper',
    from: '#5a2e12',
    to: '#b0642f',
    accent: '#ffe6d1',
    ink: '#ffffff',
    badgeInk: '#5a2e12',
  },
];

/** The palette of a category: a fixed one for the demo categories, a stable pick for others. */
export function paletteFor(category: string): Palette {
  return PALETTES[category] ?? pick(FALLBACK_PALETTES, stableHash(category));
}

/** What a thumbnail is made of. */
export interface ThumbnailInput {
  facts: ItemFacts;
  interests: InterestSummary;
  width: number;
  height: number;
  /** The item's picture as a `data:image/png|jpeg;base64,` URI, when one is at hand locally. */
  imageDataUri?: string;
  /**
   * The badge text when it was chosen before (drawing again from a thumbnail URL's recipe);
   * otherwise it is chosen from `interests` by {@link thumbnailTagline}.
   */
  tagline?: string;
}

/** A composed thumbnail: the SVG to render and the text that describes it. */
export interface ThumbnailComposition {
  svg: string;
  altText: string;
  /** The personalised badge text. */
  tagline: string;
}

const TITLE_MAX_LINES = 3;

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * Estimated advance of a line of Inter bold, by character class (there is no text measuring
 * without a layout engine; these shares are rounded up so text never overflows).
 */
function textWidth(text: string, fontSize: number): number {
  let ems = 0;
  for (const char of text) {
    if (/[ilj.,:;'!|I ]/.test(char)) ems += 0.3;
    else if (/[ftr()-]/.test(char)) ems += 0.4;
    else if (/[mwMW@%]/.test(char)) ems += 0.9;
    else if (/[A-Z0-9]/.test(char)) ems += 0.7;
    else ems += 0.6;
  }
  return ems * fontSize;
}

/** Cuts `text` to fit `fits`, ending in `…`. */
function cut(text: string, fits: (line: string) => boolean): string {
  const chars = [...text];
  while (chars.length > 1 && !fits(`${chars.join('')}…`)) chars.pop();
  return `${chars.join('').trimEnd()}…`;
}

/** Greedy word wrap into lines that `fits`; the last line ends in `…` when the text is cut. */
function wrap(text: string, fits: (line: string) => boolean, maxLines: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const raw of text.split(/\s+/).filter((w) => w !== '')) {
    const word = fits(raw) ? raw : cut(raw, fits);
    const next = current === '' ? word : `${current} ${word}`;
    if (fits(next)) {
      current = next;
      continue;
    }
    lines.push(current);
    current = word;
    if (lines.length === maxLines) {
      lines[maxLines - 1] = cut(lines[maxLines - 1] ?? '', fits);
      return lines;
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}

/**
 * Badge texts longer than this are not offered: a square card 256 px wide fits about this
 * many characters before the badge is cut with "…", and a cut badge would read as a different
 * claim than the one chosen.
 */
export const TAGLINE_MAX_CHARS = 30;

/** One badge text and the interest it names. */
export interface TaglineCandidate {
  text: string;
  /** The user's interest the badge is built on; null when it names none. */
  interest: string | null;
}

/**
 * Badge texts for this user, in the order the template writes them: for each honest
 * connection, a phrasing that names a second interest the item also carries (or, for new
 * ground, the user's next interest, which the item carries neither) when there is one, then
 * the one-interest phrasings.
 */
export function taglineCandidates(
  facts: ItemFacts,
  interests: InterestSummary,
): TaglineCandidate[] {
  const candidates: TaglineCandidate[] = [];
  // One two-interest phrasing per item: later connections would only name the same pair.
  let paired = false;
  for (const connection of connectionsFor(facts, interests)) {
    const name = connection.interest.name;
    const seed = stableHash(`${facts.id}|tagline|${name}`);
    if (connection.kind === 'carries') {
      // The two strongest of the user's interests the item carries, the stronger first.
      const carried = [name, ...connection.alsoCarried];
      const [first, second] = rankedInterests(interests)
        .map((i) => i.name)
        .filter((n) => carried.includes(n));
      if (!paired && first !== undefined && second !== undefined) {
        paired = true;
        candidates.push({ text: `For ${first} & ${second} fans`, interest: first });
      }
      const single = [
        `For your love of ${name}`,
        `Because you like ${name}`,
        `Picked for ${name} fans`,
      ];
      candidates.push({ text: pick(single, seed), interest: name });
    } else {
      const next = otherInterests(interests, name, 1)[0];
      candidates.push({
        text: pick([`Beyond ${name}: new for you`, `New after ${name}`], seed),
        interest: name,
      });
      if (!paired && next !== undefined) {
        paired = true;
        candidates.push({ text: `New after ${name} & ${next}`, interest: name });
      }
    }
  }
  if (candidates.length === 0) {
    candidates.push({
      text: hasInterests(interests)
        ? 'Picked for you'
        : `From ${categoryLabel(facts) || 'the catalog'}`,
      interest: null,
    });
  }
  return candidates;
}

/**
 * The badge of a variant that leads with something other than the interest, when the item's
 * facts allow it and it fits {@link TAGLINE_MAX_CHARS}; it names no interest of the user.
 */
function angleTagline(
  facts: ItemFacts,
  interests: InterestSummary,
  angle: Angle,
): TaglineCandidate | undefined {
  const price = priceText(facts);
  const popular = popularityTerm(facts);
  const novel = novelTerms(facts, interests, 1)[0];
  const attribute = facts.attributes[0];
  const options =
    angle === 'value'
      ? price !== ''
        ? [`Yours for ${price}`]
        : attribute === undefined
          ? []
          : [capitalize(attribute.value)]
      : angle === 'popularity'
        ? popular === undefined
          ? []
          : [capitalize(popular)]
        : angle === 'novelty'
          ? novel === undefined
            ? []
            : [`New for you: ${novel}`, 'Something new for you']
          : [];
  const text = options.find((option) => option.length <= TAGLINE_MAX_CHARS);
  return text === undefined ? undefined : { text, interest: null };
}

/**
 * The badge: generate, then choose. Of the candidates that fit {@link TAGLINE_MAX_CHARS}, the
 * one that names most of this user's interests, by strength, wins; the template's order breaks
 * ties. Badges name only interests and new ground, never a fact beyond the item's tags and
 * category, so there is nothing else to check them for.
 */
export function chooseTagline(
  facts: ItemFacts,
  interests: InterestSummary,
  angle: Angle = 'interest',
): TaglineCandidate {
  const led = angleTagline(facts, interests, angle);
  if (led !== undefined) return led;
  const candidates = taglineCandidates(facts, interests);
  const fitting = candidates.filter((c) => c.text.length <= TAGLINE_MAX_CHARS);
  let best = fitting[0] ?? candidates[0]!;
  let bestScore = personalScore(best.text, interests);
  for (const candidate of fitting.slice(1)) {
    const score = personalScore(candidate.text, interests);
    if (score > bestScore) [best, bestScore] = [candidate, score];
  }
  return best;
}

/** The badge text: the user's interests the item carries, else new ground past their top one. */
export function thumbnailTagline(facts: ItemFacts, interests: InterestSummary): string {
  return chooseTagline(facts, interests).text;
}

function fitBadge(tagline: string, fontSize: number, maxWidth: number): string {
  let text = tagline;
  while (text.length > 4 && textWidth(text, fontSize) + fontSize * 1.6 > maxWidth) {
    text = `${text.slice(0, -2).trimEnd()}…`;
  }
  return text;
}

/**
 * Composes the card: category palette gradient, the item's picture behind a shade when there
 * is one, category label, wrapped title, personalised badge and price. Every size scales with
 * the shorter side, so any size from 64 to 2048 pixels keeps the same look.
 */
export function composeThumbnail(input: ThumbnailInput): ThumbnailComposition {
  const { facts, width: w, height: h } = input;
  const category = categoryLabel(facts) || 'catalog';
  const palette = paletteFor(category);
  const title = facts.title === '' ? 'Untitled item' : facts.title;
  const tagline = input.tagline ?? thumbnailTagline(facts, input.interests);
  const price = formatPrice(facts.price, facts.currency);
  const unit = Math.min(w, h);
  const pad = Math.round(unit * 0.07);
  const seed = stableHash(facts.id);

  const labelSize = Math.max(6, unit * 0.065);
  const priceSize = Math.max(7, unit * 0.085);
  const badgeSize = Math.max(6, unit * 0.06);
  const badgeHeight = badgeSize * 2;
  const badgePadding = badgeSize * 1.6;
  const textWidthAvailable = w - 2 * pad;

  // The badge sits beside the price when both fit on one row, else on its own row above it.
  const priceWidth = textWidth(price, priceSize);
  const besidePrice = textWidthAvailable - priceWidth - pad;
  const stacked = textWidth(tagline, badgeSize) + badgePadding > besidePrice;
  const badgeMaxWidth = stacked ? textWidthAvailable : besidePrice;
  const badgeText = fitBadge(tagline, badgeSize, badgeMaxWidth);
  const badgeWidth = Math.min(badgeMaxWidth, textWidth(badgeText, badgeSize) + badgePadding);
  const bottomRow = Math.max(badgeHeight, priceSize * 1.2);
  const priceBaseline = h - pad - bottomRow / 2 + priceSize * 0.36;
  const badgeY = stacked
    ? h - pad - bottomRow - pad * 0.5 - badgeHeight
    : h - pad - bottomRow / 2 - badgeHeight / 2;

  const titleTop = pad + labelSize * 1.6;
  const titleBottom = badgeY - pad * 0.6;
  let titleSize = Math.max(7, unit * 0.14);
  let lines: string[] = [];
  for (; titleSize >= 7; titleSize *= 0.9) {
    const size = titleSize;
    const maxLines = Math.max(
      1,
      Math.min(TITLE_MAX_LINES, Math.floor((titleBottom - titleTop) / (titleSize * 1.15))),
    );
    lines = wrap(title, (line) => textWidth(line, size) <= textWidthAvailable, maxLines);
    const fits = !lines.some((line) => line.endsWith('…'));
    if (fits) break;
  }
  titleSize = Math.max(7, titleSize);

  const circleX = w * (0.65 + (seed % 20) / 100);
  const circleY = h * (0.15 + ((seed >>> 5) % 30) / 100);
  const n = (x: number) => Number(x.toFixed(1));

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">`,
    '<defs>',
    `<linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${palette.from}"/><stop offset="1" stop-color="${palette.to}"/></linearGradient>`,
    '<linearGradient id="shade" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#000" stop-opacity="0.25"/><stop offset="1" stop-color="#000" stop-opacity="0.7"/></linearGradient>',
    '</defs>',
    `<rect width="${w}" height="${h}" fill="url(#bg)"/>`,
    `<circle cx="${n(circleX)}" cy="${n(circleY)}" r="${n(unit * 0.55)}" fill="${palette.accent}" fill-opacity="0.16"/>`,
    `<circle cx="${n(circleX - unit * 0.2)}" cy="${n(circleY + unit * 0.45)}" r="${n(unit * 0.3)}" fill="${palette.accent}" fill-opacity="0.1"/>`,
  ];
  if (input.imageDataUri !== undefined) {
    parts.push(
      `<image href="${escapeXml(input.imageDataUri)}" x="0" y="0" width="${w}" height="${h}" preserveAspectRatio="xMidYMid slice"/>`,
      `<rect width="${w}" height="${h}" fill="url(#shade)"/>`,
    );
  }
  parts.push(
    `<text x="${pad}" y="${n(pad + labelSize)}" font-family="${THUMBNAIL_FONT_FAMILY}" font-weight="700" font-size="${n(labelSize)}" letter-spacing="${n(labelSize * 0.08)}" fill="${palette.accent}">${escapeXml(category.toUpperCase())}</text>`,
  );
  lines.forEach((line, i) => {
    const y = titleTop + titleSize * (1 + i * 1.15);
    parts.push(
      `<text x="${pad}" y="${n(y)}" font-family="${THUMBNAIL_FONT_FAMILY}" font-weight="700" font-size="${n(titleSize)}" fill="${palette.ink}">${escapeXml(line)}</text>`,
    );
  });
  parts.push(
    `<rect x="${pad}" y="${n(badgeY)}" width="${n(badgeWidth)}" height="${n(badgeHeight)}" rx="${n(badgeHeight / 2)}" fill="${palette.accent}"/>`,
    `<text x="${n(pad + badgeSize * 0.8)}" y="${n(badgeY + badgeHeight / 2 + badgeSize * 0.36)}" font-family="${THUMBNAIL_FONT_FAMILY}" font-weight="700" font-size="${n(badgeSize)}" fill="${palette.badgeInk}">${escapeXml(badgeText)}</text>`,
    `<text x="${w - pad}" y="${n(priceBaseline)}" text-anchor="end" font-family="${THUMBNAIL_FONT_FAMILY}" font-weight="700" font-size="${n(priceSize)}" fill="${palette.ink}">${escapeXml(price)}</text>`,
    '</svg>',
  );

  const picture = input.imageDataUri === undefined ? '' : ' over the product photo';
  const altText = `${capitalize(category)} card for "${title}"${picture} on a ${palette.name} background, with the badge "${tagline}" and the price ${price}.`;
  return { svg: parts.join(''), altText, tagline };
}
