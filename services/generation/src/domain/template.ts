import {
  AD_LIMITS,
  type AdCopy,
  type AdFormat,
  DESCRIPTION_WORDS,
  type DescriptionCopy,
} from './copy.js';
import { categoryLabel, formatPrice, type ItemAttribute, type ItemFacts } from './facts.js';
import { fragmentProblems } from './grounding.js';
import {
  hasInterests,
  interestKey,
  type InterestMatch,
  type InterestSummary,
  matchInterests,
} from './interests.js';
import {
  capitalize,
  listPhrase,
  normalizeTerm,
  pick,
  rotate,
  shortenToChars,
  stableHash,
  wordCount,
} from './text.js';

/**
 * The deterministic writer. Every choice of phrasing hangs on a stable hash of the item, the
 * interest summary and the slot, so the same inputs always give the same text, and it says
 * nothing that is not in the item's facts: the grounding checker passes its output.
 */

/** What a template sees of an item, ordered by the user's interests. */
interface Emphasis {
  facts: ItemFacts;
  title: string;
  category: string;
  /** Up to 3 tags, those matching an interest first. */
  tags: string[];
  /** Up to 3 attributes, one matching an interest first. */
  attributes: ItemAttribute[];
  price: string;
  /** The strongest interest the item carries, if any. */
  match: InterestMatch | undefined;
  personalised: boolean;
  seed: (slot: string) => number;
}

const MAX_TAGS = 3;
const MAX_ATTRIBUTES = 3;

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

function emphasis(facts: ItemFacts, interests: InterestSummary, kind: string): Emphasis {
  const matches = matchInterests(facts, interests);
  const matched = new Set(matches.map((m) => m.interest));
  const tags = facts.tags
    .map(normalizeTerm)
    .filter((tag, i, all) => tag !== '' && all.indexOf(tag) === i)
    .sort((a, b) => Number(matched.has(b)) - Number(matched.has(a)))
    .slice(0, MAX_TAGS);
  const attributes = [...facts.attributes]
    .sort(
      (a, b) =>
        Number(matched.has(normalizeTerm(b.value))) - Number(matched.has(normalizeTerm(a.value))),
    )
    .slice(0, MAX_ATTRIBUTES);
  const base = `${facts.id}|${interestKey(interests)}|${kind}`;
  return {
    facts,
    title: facts.title === '' ? 'This item' : facts.title,
    category: categoryLabel(facts) === '' ? 'catalog' : categoryLabel(facts),
    tags,
    attributes,
    price: formatPrice(facts.price, facts.currency),
    match: matches[0],
    personalised: hasInterests(interests),
    seed: (slot) => stableHash(`${base}|${slot}`),
  };
}

function attributePhrase(attribute: ItemAttribute): string {
  return `the ${attribute.name.toLowerCase()} is ${attribute.value}`;
}

function openerSentence(e: Emphasis): string {
  const tagged = e.tags.length > 0;
  const options = [
    `${e.title} is ${article(e.category)} ${e.category} pick${tagged ? ` tagged ${listPhrase(e.tags)}` : ''}.`,
    `Meet ${e.title}, part of the ${e.category} range${tagged ? ` with a focus on ${listPhrase(e.tags)}` : ''}.`,
    `${e.title} comes from the ${e.category} shelf${tagged ? ` and is all about ${listPhrase(e.tags)}` : ''}.`,
    `Here is ${e.title}, filed under ${e.category}${tagged ? ` and ${listPhrase(e.tags)}` : ''}.`,
  ];
  return pick(options, e.seed('opener'));
}

function interestSentence(e: Emphasis): string {
  const match = e.match;
  if (match === undefined) {
    const options = e.personalised
      ? [
          `Picked from the ${e.category} range to add something new to what you browse.`,
          'A change of pace from your usual picks, and worth a look.',
          'Chosen to bring a little variety to your recommendations.',
        ]
      : [
          `A good place to start exploring the ${e.category} range.`,
          `A fine first look at what the ${e.category} range holds.`,
        ];
    return pick(options, e.seed('interest'));
  }
  const interest = match.interest;
  const options =
    match.source === 'attribute'
      ? [
          `Its ${(match.attributeName ?? 'detail').toLowerCase()} is ${interest}, which lines up with your taste for ${interest}.`,
          `You like ${interest}, and its ${(match.attributeName ?? 'detail').toLowerCase()} is exactly that.`,
        ]
      : match.source === 'category'
        ? [
            `It sits right in ${interest}, one of the categories you come back to most.`,
            `Since ${interest} is high on your list, this one is worth a look.`,
            `Picked for you because ${interest} is among your top interests.`,
          ]
        : [
            `Picked for your interest in ${interest}.`,
            `If ${interest} is your thing, this fits right in.`,
            `A good match for your taste in ${interest}.`,
            `With ${interest} high on your list, this one stands out.`,
          ];
  return pick(options, e.seed('interest'));
}

/** The first sentence of the merchant's description when it is short and grounded on its own. */
function descriptionFragment(e: Emphasis): string | undefined {
  const first = e.facts.description.split(/(?<=[.!?])\s+/)[0]?.trim() ?? '';
  if (first === '' || wordCount(first) > 25) return undefined;
  const sentence = /[.!?]$/.test(first) ? first : `${first}.`;
  return fragmentProblems(sentence, e.facts).length === 0 ? sentence : undefined;
}

function detailSentence(e: Emphasis, attributes: readonly ItemAttribute[]): string | undefined {
  if (attributes.length === 0) return undefined;
  const details = listPhrase(attributes.map(attributePhrase));
  const options = [
    `Worth knowing: ${details}.`,
    `In detail, ${details}.`,
    `The facts: ${details}.`,
  ];
  return pick(options, e.seed('details'));
}

function priceSentence(e: Emphasis): string {
  const options = e.facts.inStock
    ? [
        `It sells for ${e.price} and is in stock now.`,
        `Available now for ${e.price}.`,
        `The price is ${e.price}, and it is ready to order.`,
      ]
    : [
        `It is listed at ${e.price} but is out of stock right now.`,
        `Currently out of stock; the listed price is ${e.price}.`,
      ];
  return pick(options, e.seed('price'));
}

function fillerSentences(e: Emphasis): string[] {
  return rotate(
    [
      'Take a closer look at the details to see if it suits you.',
      `Open the item page to compare it with other ${e.category} picks.`,
      'Have a look and decide whether it belongs on your list.',
      'Everything said here comes straight from the product listing.',
    ],
    e.seed('filler'),
  );
}

/** A 30–90 word description naming the user's matching interest when the item carries one. */
export function templateDescription(facts: ItemFacts, interests: InterestSummary): DescriptionCopy {
  const e = emphasis(facts, interests, 'description');
  const compose = (
    attributes: readonly ItemAttribute[],
    withFragment: boolean,
    fillers: number,
  ) => {
    const fragment = withFragment ? descriptionFragment(e) : undefined;
    const sentences = [
      openerSentence(e),
      interestSentence(e),
      fragment,
      detailSentence(e, attributes),
      priceSentence(e),
      ...fillerSentences(e).slice(0, fillers),
    ];
    return sentences.filter((s): s is string => s !== undefined).join(' ');
  };
  // From the richest text down: the first that fits the word bounds wins.
  const candidates: (() => string)[] = [];
  for (let fillers = 0; fillers <= 4; fillers += 1) {
    candidates.push(() => compose(e.attributes, true, fillers));
  }
  candidates.push(() => compose(e.attributes, false, 0));
  candidates.push(() => compose(e.attributes.slice(0, 1), false, 0));
  candidates.push(() => compose([], false, 0));
  let text = '';
  for (const candidate of candidates) {
    text = candidate();
    const words = wordCount(text);
    if (words >= DESCRIPTION_WORDS.min && words <= DESCRIPTION_WORDS.max) return { text };
  }
  return { text };
}

/** Headline options by format, the interest-led ones first when the item carries an interest. */
function headlineOptions(e: Emphasis, format: AdFormat): string[] {
  const t = e.title;
  const i = e.match?.interest;
  const led =
    i === undefined
      ? []
      : format === 'BANNER'
        ? [`${capitalize(i)} pick: ${t}`, `${t} for ${i} fans`, `For your ${i} side: ${t}`]
        : format === 'SOCIAL'
          ? [
              `Into ${i}? Meet ${t}`,
              `${capitalize(i)} fans, meet ${t}`,
              `Your next ${i} find: ${t}`,
            ]
          : [
              `${t}, picked for your ${i} side`,
              `Your next ${i} find: ${t}`,
              `${capitalize(article(i))} ${i} idea for you: ${t}`,
            ];
  const plain =
    format === 'BANNER'
      ? [t, `Meet ${t}`, `Discover ${t}`]
      : format === 'SOCIAL'
        ? [`Spotted for you: ${t}`, `Meet ${t}`, t]
        : [
            `${capitalize(article(e.category))} ${e.category} pick for you: ${t}`,
            `We picked ${t} for you`,
            `${t} is waiting for you`,
          ];
  return [...rotate(led, e.seed('headline-led')), ...rotate(plain, e.seed('headline'))];
}

function bodyParts(
  e: Emphasis,
  format: AdFormat,
): { interest?: string; feature?: string; price: string; extra?: string } {
  const i = e.match?.interest;
  const fromCategory = e.match?.source === 'category';
  const interestOptions =
    i === undefined
      ? []
      : fromCategory
        ? [
            `Straight from ${i}, one of your top categories.`,
            `Picked from ${i}, a favourite of yours.`,
          ]
        : format === 'SOCIAL'
          ? [`Because ${i} is your thing.`, `A find for anyone into ${i}.`]
          : [
              `Made for your love of ${i}.`,
              `Matches your interest in ${i}.`,
              `Picked for your taste in ${i}.`,
            ];
  const interest =
    interestOptions.length === 0 ? undefined : pick(interestOptions, e.seed('body-interest'));
  const attribute = e.attributes[0];
  const features: string[] = [];
  if (e.tags.length > 0) {
    features.push(`${capitalize(listPhrase(e.tags.slice(0, 2)))}, all in one ${e.category} find.`);
    features.push(`Tagged ${listPhrase(e.tags.slice(0, 2))}.`);
  }
  if (attribute !== undefined) features.push(`${capitalize(attributePhrase(attribute))}.`);
  const feature = features.length === 0 ? undefined : pick(features, e.seed('body-feature'));
  const price = e.facts.inStock
    ? pick(
        [`${e.price}, in stock.`, `Yours for ${e.price}.`, `Now ${e.price}.`],
        e.seed('body-price'),
      )
    : `Out of stock at ${e.price}.`;
  const hashtags = e.tags
    .filter((tag) => !tag.includes(' '))
    .slice(0, 2)
    .map((tag) => `#${tag}`)
    .join(' ');
  const extra = format === 'SOCIAL' && hashtags !== '' ? hashtags : undefined;
  return {
    ...(interest === undefined ? {} : { interest }),
    ...(feature === undefined ? {} : { feature }),
    price,
    ...(extra === undefined ? {} : { extra }),
  };
}

function adBody(e: Emphasis, format: AdFormat, maxChars: number): string {
  const parts = bodyParts(e, format);
  const preheader = format === 'EMAIL_SUBJECT' ? `${e.title} at ${e.price}.` : undefined;
  const attempts: (string | undefined)[][] =
    format === 'EMAIL_SUBJECT'
      ? [
          [preheader, parts.interest, parts.feature],
          [preheader, parts.interest],
          [preheader],
          [parts.interest, parts.price],
          [parts.price],
        ]
      : [
          [parts.interest, parts.feature, parts.price, parts.extra],
          [parts.interest, parts.feature, parts.price],
          [parts.interest, parts.price],
          [parts.feature, parts.price],
          [parts.price],
        ];
  for (const attempt of attempts) {
    const body = attempt.filter((p): p is string => p !== undefined).join(' ');
    if (body !== '' && [...body].length <= maxChars) return body;
  }
  return shortenToChars(parts.price, maxChars);
}

function callToAction(e: Emphasis, format: AdFormat): string {
  const options = !e.facts.inStock
    ? ['See details', 'View item']
    : format === 'BANNER'
      ? ['Shop now', 'See details', 'Take a look', 'View item']
      : format === 'SOCIAL'
        ? ['Check it out', 'Tap to see more', 'See it now']
        : ['Open to see it', 'See the details', 'Read more'];
  return pick(options, e.seed('cta'));
}

/** An ad within the format's bounds, led by the user's matching interest when there is one. */
export function templateAd(facts: ItemFacts, interests: InterestSummary, format: AdFormat): AdCopy {
  const e = emphasis(facts, interests, `ad|${format}`);
  const limits = AD_LIMITS[format];
  const headline =
    headlineOptions(e, format).find((option) => [...option].length <= limits.headlineChars) ??
    shortenToChars(e.title, limits.headlineChars);
  return {
    headline,
    body: adBody(e, format, limits.bodyChars),
    callToAction: callToAction(e, format),
  };
}
