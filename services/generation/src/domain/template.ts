import { type Connection, connectionsFor, otherInterests } from './connection.js';
import {
  AD_LIMITS,
  type AdCopy,
  type AdFormat,
  DESCRIPTION_WORDS,
  type DescriptionCopy,
} from './copy.js';
import { categoryLabel, formatPrice, type ItemAttribute, type ItemFacts } from './facts.js';
import { fragmentProblems } from './grounding/check.js';
import {
  hasInterests,
  INTEREST_LIMITS,
  interestKey,
  type InterestSummary,
  matchInterests,
  rankedInterests,
} from './interests.js';
import type { Angle } from './loop/angles.js';
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
import { novelTerms, popularityTerm } from './variants.js';

/**
 * The deterministic writer. Every choice of phrasing hangs on a stable hash of the item, the
 * interest summary and the slot, so the same inputs always give the same text, and it says
 * nothing that is not in the item's facts: the grounding checker passes its output.
 */

/**
 * Which connection a template writes around and which phrasing it takes: the chooser asks for
 * several and serves the best. Without one, the first connection and the first phrasing.
 */
export interface TemplateChoice {
  connection: Connection | undefined;
  variant: number;
  /** What the copy leads with; `interest` when absent (see variants.ts for when each fits). */
  angle?: Angle;
}

/** What a template sees of an item, ordered by the user's interests. */
interface Emphasis {
  facts: ItemFacts;
  title: string;
  category: string;
  /**
   * Up to 3 tags, those matching an interest first, without the category: the phrases name
   * them beside it ("filed under comedy and drama"), where a tag that repeats the category
   * would read "comedy and comedy" (MovieLens films carry their first genre as a tag too).
   */
  tags: string[];
  /** Up to 3 tags as hashtags, the category's own included. */
  hashtags: string[];
  /** Up to 3 attributes, one matching an interest first. */
  attributes: ItemAttribute[];
  /** Empty when the item has no price (currency unknown): nothing is said of one then. */
  price: string;
  /** The interest the text is written around, if any. */
  connection: Connection | undefined;
  /** The user's other strongest interests, for a "new ground" line. */
  others: string[];
  /**
   * For a connection the item carries: the user's strongest interest it does not carry, to
   * set it against ("next to your usual sci fi"), in the second phrasing.
   */
  contrast: string | undefined;
  /** A title of the user's picks that shows the contrast interest. */
  contrastEvidence: string | undefined;
  personalised: boolean;
  angle: Angle;
  /** The item's own word for being popular, for the popularity angle. */
  popular: string | undefined;
  /** The item's category and tags outside the user's interests, for the novelty angle. */
  novel: string[];
  seed: (slot: string) => number;
}

const MAX_TAGS = 3;
const MAX_ATTRIBUTES = 3;

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

function emphasis(
  facts: ItemFacts,
  interests: InterestSummary,
  kind: string,
  choice: TemplateChoice | undefined,
): Emphasis {
  const matches = matchInterests(facts, interests);
  const matched = new Set(matches.map((m) => m.interest));
  const connection = choice === undefined ? connectionsFor(facts, interests)[0] : choice.connection;
  const variant = choice?.variant ?? 0;
  const ordered = facts.tags
    .map(normalizeTerm)
    .filter((tag, i, all) => tag !== '' && all.indexOf(tag) === i)
    .sort((a, b) => Number(matched.has(b)) - Number(matched.has(a)));
  const category = categoryLabel(facts);
  const tags = ordered.filter((tag) => tag !== category).slice(0, MAX_TAGS);
  const hashtags = ordered.slice(0, MAX_TAGS);
  const attributes = [...facts.attributes]
    .sort(
      (a, b) =>
        Number(matched.has(normalizeTerm(b.value))) - Number(matched.has(normalizeTerm(a.value))),
    )
    .slice(0, MAX_ATTRIBUTES);
  const angle = choice?.angle ?? 'interest';
  // The interest angle keeps the seeds it had before angles existed, so its texts stay the same.
  const base = `${facts.id}|${interestKey(interests)}|${kind}|${variant}${angle === 'interest' ? '' : `|${angle}`}`;
  const e: Omit<Emphasis, 'contrastEvidence'> = {
    facts,
    title: facts.title === '' ? 'This item' : facts.title,
    category: category === '' ? 'catalog' : category,
    tags,
    hashtags,
    attributes,
    price: facts.currency === '' ? '' : formatPrice(facts.price, facts.currency),
    connection,
    others: connection === undefined ? [] : otherInterests(interests, connection.interest.name, 1),
    contrast:
      connection?.kind !== 'carries' || variant % 2 === 0
        ? undefined
        : otherInterests(interests, connection.interest.name, INTEREST_LIMITS.ranked).find(
            (name) => !connection.alsoCarried.includes(name),
          ),
    personalised: hasInterests(interests),
    angle,
    popular: popularityTerm(facts),
    novel: novelTerms(facts, interests),
    seed: (slot) => stableHash(`${base}|${slot}`),
  };
  return {
    ...e,
    // A title already named for the connection would only repeat itself.
    contrastEvidence: rankedInterests(interests)
      .find((i) => i.name === e.contrast)
      ?.evidence.find((title) => title !== connection?.interest.evidence[0]),
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

/** "the Trailhead Tent you picked" from the interest's evidence, or nothing. */
function evidencePhrase(connection: Connection): string | undefined {
  const title = connection.interest.evidence[0];
  return title === undefined ? undefined : `the ${title} you picked`;
}

function carriedSentence(e: Emphasis, c: Connection): string {
  const name = c.interest.name;
  const evidence = evidencePhrase(c);
  const also =
    c.alsoCarried.length === 0
      ? ''
      : ` It also carries ${listPhrase(c.alsoCarried.slice(0, 2))}, which you like too.`;
  const options =
    c.via === 'attribute'
      ? [
          `Its ${(c.attributeName ?? 'detail').toLowerCase()} is ${name}, which lines up with your taste for ${name}.`,
          `You like ${name}, and its ${(c.attributeName ?? 'detail').toLowerCase()} is exactly that.`,
        ]
      : c.via === 'category'
        ? [
            `You keep coming back to ${name}${evidence === undefined ? '' : `, ${evidence} among them`}, and this sits right in ${name}.`,
            `Since ${name} is high on your list${evidence === undefined ? '' : `, next to ${evidence}`}, this ${name} pick is worth a look.`,
            `Picked for you because ${name} is among your top interests${evidence === undefined ? '' : `, as ${evidence} shows`}.`,
          ]
        : [
            `${evidence === undefined ? `You like ${name}` : `Like ${evidence}`}, it is all about ${name}.`,
            `If ${name} is your thing${evidence === undefined ? '' : `, as ${evidence} says`}, this fits right in.`,
            `A good match for your taste in ${name}${evidence === undefined ? '' : `, the same as ${evidence}`}.`,
            `With ${name} high on your list, this one stands out.`,
          ];
  const shown =
    e.contrastEvidence === undefined ? '' : ` (the ${e.contrastEvidence} you picked, say)`;
  const contrast =
    e.contrast === undefined
      ? ''
      : ` Next to your usual ${e.contrast}${shown}, this one brings ${name}.`;
  return `${pick(options, e.seed('interest'))}${also}${contrast}`;
}

/** New ground: what the user likes, named as theirs, and what this item is instead. */
function newGroundSentence(e: Emphasis, c: Connection): string {
  const theirs = listPhrase([c.interest.name, ...e.others]);
  const evidence = evidencePhrase(c);
  const item = `${article(e.category)} ${e.category} find`;
  const options = [
    `Something new for you: your picks lean to ${theirs}${evidence === undefined ? '' : `, like ${evidence}`}, and this is ${item}.`,
    `A step away from the ${theirs} you usually choose${evidence === undefined ? '' : ` (${evidence}, say)`}: this one is new ground, ${item}.`,
    `New ground beyond ${theirs}${evidence === undefined ? '' : `, where ${evidence} sits`}: here is ${item}.`,
  ];
  return pick(options, e.seed('interest'));
}

function interestSentence(e: Emphasis): string {
  const c = e.connection;
  if (c === undefined) {
    const options = e.personalised
      ? [
          `Picked from the ${e.category} range to add something new to what you browse.`,
          'Chosen to bring a little variety to your recommendations.',
        ]
      : [
          `A good place to start exploring the ${e.category} range.`,
          `A fine first look at what the ${e.category} range holds.`,
        ];
    return pick(options, e.seed('interest'));
  }
  return c.kind === 'carries' ? carriedSentence(e, c) : newGroundSentence(e, c);
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

function priceSentence(e: Emphasis): string | undefined {
  if (e.price === '') return undefined;
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

/** The first sentence of a variant that leads with something other than the interest. */
function angleLead(e: Emphasis): string | undefined {
  const tagged = e.tags.length > 0 ? ` tagged ${listPhrase(e.tags)}` : '';
  switch (e.angle) {
    case 'interest':
      return undefined;
    case 'value':
      return e.price === ''
        ? undefined
        : pick(
            [
              `For ${e.price}, ${e.title} is ${article(e.category)} ${e.category} pick${tagged}.`,
              `${e.title} sells for ${e.price}: ${article(e.category)} ${e.category} pick${tagged}.`,
            ],
            e.seed('lead'),
          );
    case 'popularity':
      return e.popular === undefined
        ? undefined
        : pick(
            [
              `${e.title} is marked ${e.popular} in the ${e.category} range.`,
              `Marked ${e.popular} in the ${e.category} range: ${e.title}.`,
            ],
            e.seed('lead'),
          );
    case 'novelty':
      return e.novel.length === 0
        ? undefined
        : pick(
            [
              `New for you: ${e.title} brings ${listPhrase(e.novel)}, which your picks have not covered yet.`,
              `Something new for you: ${e.title} is about ${listPhrase(e.novel)}, away from what you usually pick.`,
            ],
            e.seed('lead'),
          );
  }
}

/** A 30–90 word description naming the user's matching interest when the item carries one. */
export function templateDescription(
  facts: ItemFacts,
  interests: InterestSummary,
  choice?: TemplateChoice,
): DescriptionCopy {
  const e = emphasis(facts, interests, 'description', choice);
  const compose = (
    attributes: readonly ItemAttribute[],
    withFragment: boolean,
    fillers: number,
  ) => {
    const fragment = withFragment ? descriptionFragment(e) : undefined;
    const lead = angleLead(e);
    const detail = detailSentence(e, attributes);
    // Every angle keeps the sentence on the user's interest: a variant changes what the copy
    // leads with, never whether it is written for this user.
    const sentences =
      e.angle === 'value'
        ? [lead ?? openerSentence(e), detail, interestSentence(e), fragment]
        : [lead ?? openerSentence(e), interestSentence(e), fragment, detail];
    // The value lead states the price itself.
    if (!(e.angle === 'value' && lead !== undefined)) sentences.push(priceSentence(e));
    sentences.push(...fillerSentences(e).slice(0, fillers));
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
  const c = e.connection;
  const i = c?.interest.name;
  const led =
    c === undefined || i === undefined
      ? []
      : c.kind === 'new'
        ? [`Beyond ${i}: ${t}`, `New for a ${i} fan: ${t}`, `Something new after ${i}: ${t}`]
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
  return [
    ...rotate(angleHeadlines(e), e.seed('headline-angle')),
    ...rotate(led, e.seed('headline-led')),
    ...rotate(plain, e.seed('headline')),
  ];
}

/** Headlines that lead with the variant's angle; none for the interest angle. */
function angleHeadlines(e: Emphasis): string[] {
  const t = e.title;
  const attribute = e.attributes[0];
  switch (e.angle) {
    case 'interest':
      return [];
    case 'value':
      return e.price !== ''
        ? [`${t}, ${e.price}`, `${t} for ${e.price}`]
        : attribute === undefined
          ? []
          : [`${t}: ${attribute.value}`];
    case 'popularity':
      return e.popular === undefined
        ? []
        : [`${capitalize(e.popular)}: ${t}`, `${t}, ${e.popular}`];
    case 'novelty':
      return e.novel.length === 0 ? [] : [`New for you: ${t}`, `Something new: ${t}`];
  }
}

/** Ad bodies that lead with the variant's angle, longest first; none for the interest angle. */
function angleBodies(e: Emphasis, parts: ReturnType<typeof bodyParts>): (string | undefined)[][] {
  switch (e.angle) {
    case 'interest':
      return [];
    case 'value':
      return [
        [parts.price, parts.feature, parts.interestShort],
        [parts.price, parts.feature],
      ];
    case 'popularity': {
      if (e.popular === undefined) return [];
      const lead = `Marked ${e.popular}.`;
      return [
        [lead, parts.interest, parts.price],
        [lead, parts.interestShort, parts.price],
        [lead, parts.price],
      ];
    }
    case 'novelty': {
      if (e.novel.length === 0) return [];
      const lead = `New for you: ${listPhrase(e.novel)}.`;
      return [
        [lead, parts.interestShort, parts.price],
        [lead, parts.price],
      ];
    }
  }
}

function bodyParts(
  e: Emphasis,
  format: AdFormat,
): {
  interest?: string;
  /** The interest line without the evidence title, for when both do not fit. */
  interestShort?: string;
  contrast?: string;
  feature?: string;
  price: string;
  extra?: string;
} {
  const c = e.connection;
  const i = c?.interest.name;
  const title = c?.interest.evidence[0];
  const evidence = title === undefined ? '' : ` Like the ${title} you picked.`;
  const interestOptions =
    c === undefined || i === undefined
      ? []
      : c.kind === 'new'
        ? [
            `New ground beyond your ${listPhrase([i, ...e.others])} picks.`,
            `Something new for a fan of ${listPhrase([i, ...e.others])}.`,
          ]
        : c.via === 'category'
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
  const chosen =
    interestOptions.length === 0 ? undefined : pick(interestOptions, e.seed('body-interest'));
  const interest = chosen === undefined || c?.kind !== 'carries' ? chosen : `${chosen}${evidence}`;
  const attribute = e.attributes[0];
  const features: string[] = [];
  if (e.tags.length > 0) {
    features.push(`${capitalize(listPhrase(e.tags.slice(0, 2)))}, all in one ${e.category} find.`);
    features.push(`Tagged ${listPhrase(e.tags.slice(0, 2))}.`);
  }
  if (attribute !== undefined) features.push(`${capitalize(attributePhrase(attribute))}.`);
  const feature = features.length === 0 ? undefined : pick(features, e.seed('body-feature'));
  const price =
    e.price === ''
      ? e.facts.inStock
        ? 'Available now.'
        : 'Out of stock right now.'
      : e.facts.inStock
        ? pick(
            [`${e.price}, in stock.`, `Yours for ${e.price}.`, `Now ${e.price}.`],
            e.seed('body-price'),
          )
        : `Out of stock at ${e.price}.`;
  const hashtags = e.hashtags
    .filter((tag) => !tag.includes(' '))
    .slice(0, 2)
    .map((tag) => `#${tag}`)
    .join(' ');
  const extra = format === 'SOCIAL' && hashtags !== '' ? hashtags : undefined;
  const contrast = e.contrast === undefined ? undefined : `A change from your ${e.contrast} picks.`;
  return {
    ...(interest === undefined ? {} : { interest }),
    ...(chosen === undefined ? {} : { interestShort: chosen }),
    ...(contrast === undefined ? {} : { contrast }),
    ...(feature === undefined ? {} : { feature }),
    price,
    ...(extra === undefined ? {} : { extra }),
  };
}

function adBody(e: Emphasis, format: AdFormat, maxChars: number): string {
  const parts = bodyParts(e, format);
  const preheader =
    format !== 'EMAIL_SUBJECT'
      ? undefined
      : e.price === ''
        ? `${e.title}.`
        : `${e.title} at ${e.price}.`;
  const attempts: (string | undefined)[][] =
    format === 'EMAIL_SUBJECT'
      ? [
          ...(parts.contrast === undefined
            ? []
            : [
                [preheader, parts.interest, parts.contrast],
                [preheader, parts.interestShort, parts.contrast],
              ]),
          [preheader, parts.interest, parts.feature],
          [preheader, parts.interest],
          [preheader],
          [parts.interest, parts.price],
          [parts.price],
        ]
      : [
          ...(parts.contrast === undefined
            ? []
            : [
                [parts.interest, parts.contrast, parts.price],
                [parts.interestShort, parts.contrast, parts.price],
              ]),
          [parts.interest, parts.feature, parts.price, parts.extra],
          [parts.interest, parts.feature, parts.price],
          [parts.interest, parts.price],
          [parts.feature, parts.price],
          [parts.price],
        ];
  for (const attempt of [...angleBodies(e, parts), ...attempts]) {
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
export function templateAd(
  facts: ItemFacts,
  interests: InterestSummary,
  format: AdFormat,
  choice?: TemplateChoice,
): AdCopy {
  const e = emphasis(facts, interests, `ad|${format}`, choice);
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
