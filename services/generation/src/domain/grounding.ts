import {
  AD_LIMITS,
  type AdCopy,
  type AdFormat,
  DESCRIPTION_WORDS,
  type DescriptionCopy,
} from './copy.js';
import { currencyDigits, type ItemFacts } from './facts.js';
import {
  canonicalNumber,
  CURRENCY_SYMBOLS,
  CURRENCY_WORDS,
  ISO_CURRENCIES,
  NUMBER,
  offerNumbersIn,
} from './money.js';
import { wordCount, wordsOf } from './text.js';

/** The verdict on one generated text: grounded only when `problems` is empty. */
export interface GroundingResult {
  grounded: boolean;
  /** Each names the field and what is wrong, e.g. `body: number "30" is not in the item facts`. */
  problems: string[];
}

/** Options of the checks. */
export interface GroundingOptions {
  /**
   * Strings that must never appear in a text (the user id the request was for): a writer that
   * never sees them cannot print them, and this makes sure of it.
   */
  forbiddenTerms?: readonly string[];
  /**
   * Titles of items the user acted on (their own history, from the interest summary). A text
   * may quote them to say what the user likes; they say nothing about this item, so they are
   * taken out before the facts are checked.
   */
  historyTitles?: readonly string[];
}

/**
 * Units a number may carry, by spelling, mapped to one canonical name. A number with a unit
 * must appear with the same unit in the facts: "30 cm" is not grounded by "30 W".
 */
const UNIT_ALIASES: Readonly<Record<string, string>> = (() => {
  const groups: Record<string, readonly string[]> = {
    mm: ['mm', 'millimeter', 'millimeters', 'millimetre', 'millimetres'],
    cm: ['cm', 'centimeter', 'centimeters', 'centimetre', 'centimetres'],
    m: ['m', 'meter', 'meters', 'metre', 'metres'],
    km: ['km', 'kilometer', 'kilometers', 'kilometre', 'kilometres'],
    in: ['in', 'inch', 'inches', '"', '″'],
    ft: ['ft', 'foot', 'feet'],
    mg: ['mg', 'milligram', 'milligrams'],
    g: ['g', 'gram', 'grams', 'gr'],
    kg: ['kg', 'kilo', 'kilos', 'kilogram', 'kilograms'],
    lb: ['lb', 'lbs', 'pound', 'pounds'],
    oz: ['oz', 'ounce', 'ounces'],
    ml: ['ml', 'milliliter', 'milliliters', 'millilitre', 'millilitres'],
    cl: ['cl'],
    l: ['l', 'liter', 'liters', 'litre', 'litres'],
    w: ['w', 'watt', 'watts'],
    kw: ['kw', 'kilowatt', 'kilowatts'],
    v: ['v', 'volt', 'volts'],
    mah: ['mah'],
    wh: ['wh'],
    kb: ['kb'],
    mb: ['mb'],
    gb: ['gb'],
    tb: ['tb'],
    hz: ['hz'],
    khz: ['khz'],
    mhz: ['mhz'],
    ghz: ['ghz'],
    mp: ['mp', 'megapixel', 'megapixels'],
    s: ['s', 'sec', 'secs', 'second', 'seconds'],
    min: ['min', 'mins', 'minute', 'minutes'],
    h: ['h', 'hr', 'hrs', 'hour', 'hours'],
    day: ['day', 'days'],
    week: ['week', 'weeks'],
    month: ['month', 'months'],
    year: ['year', 'years', 'yr', 'yrs'],
    pack: ['pack', 'packs'],
    piece: ['pc', 'pcs', 'piece', 'pieces'],
    x: ['x'],
    k: ['k'],
    p: ['p'],
    percent: ['%', 'percent', 'per cent'],
    degree: ['°', '°c', '°f', 'degree', 'degrees'],
    player: ['player', 'players'],
    serving: ['serving', 'servings'],
    page: ['page', 'pages'],
    star: ['star', 'stars'],
  };
  const aliases: Record<string, string> = {};
  for (const [canonical, spellings] of Object.entries(groups)) {
    for (const spelling of spellings) aliases[spelling] = canonical;
  }
  return aliases;
})();

/** Promotional or factual claims: allowed only when the item's structured facts say them. */
const CLAIMS: readonly string[] = [
  'free',
  'gratis',
  'complimentary',
  'guarantee',
  'guaranteed',
  'warranty',
  'best',
  'bestseller',
  'bestselling',
  'best seller',
  'best selling',
  'number one',
  'top rated',
  'award',
  'awards',
  'award winning',
  'cheapest',
  'cheap',
  'lowest',
  'bargain',
  'deal',
  'deals',
  'discount',
  'discounted',
  'sale',
  'clearance',
  'save',
  'saving',
  'savings',
  'limited',
  'exclusive',
  'hurry',
  'last chance',
  'today only',
  'instant',
  'unlimited',
  'lifetime',
  'forever',
  'risk free',
  'refund',
  'money back',
  'certified',
  'official',
  'authentic',
  'genuine',
  'clinically',
  'proven',
  'doctor',
  'dermatologist',
  'approved',
  'cure',
  'cures',
  'miracle',
  'organic',
  'vegan',
  'eco friendly',
  'sustainable',
  'recycled',
  'biodegradable',
  'non toxic',
  'waterproof',
  'water resistant',
  'hypoallergenic',
  'handmade',
  'hand made',
  'artisan',
  'premium',
  'luxury',
  'luxurious',
  'world class',
  'revolutionary',
  'shipping',
  'delivery',
  'next day',
  'bonus',
  'coupon',
  'promo',
  'voucher',
];

/** Words that name a material or colour: each must be one of the item's facts. */
const ATTRIBUTE_WORDS: ReadonlySet<string> = new Set([
  'leather',
  'suede',
  'cotton',
  'wool',
  'merino',
  'cashmere',
  'silk',
  'linen',
  'denim',
  'polyester',
  'nylon',
  'spandex',
  'fleece',
  'bamboo',
  'oak',
  'walnut',
  'pine',
  'teak',
  'maple',
  'birch',
  'cedar',
  'mahogany',
  'steel',
  'stainless',
  'aluminium',
  'aluminum',
  'titanium',
  'brass',
  'copper',
  'bronze',
  'iron',
  'gold',
  'silver',
  'platinum',
  'glass',
  'ceramic',
  'porcelain',
  'stoneware',
  'marble',
  'granite',
  'concrete',
  'plastic',
  'rubber',
  'silicone',
  'carbon',
  'vinyl',
  'canvas',
  'wicker',
  'rattan',
  'cork',
  'latex',
  'red',
  'blue',
  'green',
  'yellow',
  'orange',
  'purple',
  'violet',
  'pink',
  'black',
  'white',
  'grey',
  'gray',
  'brown',
  'beige',
  'navy',
  'teal',
  'turquoise',
  'maroon',
  'burgundy',
  'ivory',
  'cream',
  'olive',
  'charcoal',
  'khaki',
  'coral',
  'lavender',
]);

/** Numbers in words: as much a number as "3" is. "one" is left out, it is mostly a pronoun. */
const NUMBER_WORDS: ReadonlySet<string> = new Set([
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'twenty',
  'fifty',
  'hundred',
  'hundreds',
  'thousand',
  'thousands',
  'million',
  'millions',
  'dozen',
  'dozens',
  'double',
  'triple',
  'twice',
  'half',
]);

/** Text that talks about the machinery instead of the product. */
const META_PHRASES: readonly string[] = [
  'instruction',
  'instructions',
  'prompt',
  'as an ai',
  'language model',
  'i cannot',
  'i can not',
  'i am unable',
  'json',
];

const UNIT_AFTER = /^\s?(?:-\s?)?(per cent|[\p{L}%"″°]+)/u;
const LINK = /\bhttps?:\/\/|\bwww\.|[\w.+-]+@[\w-]+\.[\w.]+/i;
const HANDLE = /(?:^|\s)@[\w.]+/;
const HASHTAG = /#([\p{L}\p{N}_]+)/gu;
const SHOUTING = /(?<![\p{L}\p{N}])[\p{Lu}]{2,}(?![\p{L}])/gu;
const CAPITALISED = /(?<![\p{L}\p{N}'’-])[\p{Lu}][\p{L}\p{N}'’]*/gu;

/** What a text may draw on, derived once from an item's facts. */
/** Controls and bidi formatting characters: plain text has none. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point here
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

interface FactIndex {
  /** Every word of every fact, lower case. */
  words: Set<string>;
  /** Title, category, tags and attributes as one lower-case word string, padded with spaces. */
  structuredText: string;
  /** Numbers, canonical (`1299`, `19.99`). */
  numbers: Set<string>;
  /** `number|unit` pairs seen in the facts. */
  numberUnits: Set<string>;
  /** Numbers a text may state about the offer: the price and numbers of attribute values. */
  offerNumbers: Set<string>;
  /** Upper-case tokens of the facts (`USB`, `LED`). */
  capitals: Set<string>;
  currency: string;
}

function unitAt(text: string, index: number): string | undefined {
  const match = UNIT_AFTER.exec(text.slice(index));
  if (match === null) return undefined;
  return UNIT_ALIASES[(match[1] ?? '').toLowerCase()];
}

function numbersIn(text: string): { value: string; raw: string; unit: string | undefined }[] {
  const found: { value: string; raw: string; unit: string | undefined }[] = [];
  for (const match of text.matchAll(NUMBER)) {
    const raw = match[0];
    found.push({
      raw,
      value: canonicalNumber(raw),
      unit: unitAt(text, (match.index ?? 0) + raw.length),
    });
  }
  return found;
}

function indexFacts(facts: ItemFacts): FactIndex {
  const structured = [
    facts.title,
    facts.category,
    ...facts.tags,
    ...facts.attributes.flatMap((a) => [a.name, a.value]),
  ];
  const all = [...structured, facts.description, facts.currency];
  const numbers = new Set<string>();
  const numberUnits = new Set<string>();
  for (const text of all) {
    for (const number of numbersIn(text)) {
      numbers.add(number.value);
      if (number.unit !== undefined) numberUnits.add(`${number.value}|${number.unit}`);
    }
  }
  numbers.add(canonicalNumber(String(facts.price)));
  numbers.add(canonicalNumber(facts.price.toFixed(currencyDigits(facts.currency))));
  // Prices and discounts come from structured fields only: a merchant's free text saying
  // "only 1 EUR" about a 249 EUR item grounds nothing.
  const offerNumbers = new Set([
    canonicalNumber(String(facts.price)),
    ...facts.attributes.flatMap((a) =>
      [...a.value.matchAll(NUMBER)].map((m) => canonicalNumber(m[0])),
    ),
  ]);
  const capitals = new Set<string>();
  for (const text of all) for (const match of text.matchAll(SHOUTING)) capitals.add(match[0]);
  return {
    words: new Set(all.flatMap((text) => wordsOf(text))),
    structuredText: ` ${structured.flatMap((text) => wordsOf(text)).join(' ')} `,
    numbers,
    numberUnits,
    offerNumbers,
    capitals,
    currency: facts.currency,
  };
}

function hasPhrase(words: string, phrase: string): boolean {
  return ` ${words} `.includes(` ${phrase} `);
}

/** How strictly capitalised words are read: headlines and calls to action may be in title case. */
interface TextRules {
  field: string;
  titleCaseAllowed: boolean;
}

function checkText(
  raw: string,
  index: FactIndex,
  rules: TextRules,
  options: GroundingOptions,
): string[] {
  const problems: string[] = [];
  const say = (problem: string) => problems.push(`${rules.field}: ${problem}`);
  const text = withoutTitles(raw, options.historyTitles ?? []);
  const words = wordsOf(text);
  const wordText = words.join(' ');

  if (/[<>]/.test(text) || INVISIBLE.test(text)) say('markup or invisible characters');
  const offers = new Set(offerNumbersIn(text));
  for (const number of numbersIn(text)) {
    if (!index.numbers.has(number.value)) {
      say(`number "${number.raw}" is not in the item facts`);
    } else if (offers.has(number.value) && !index.offerNumbers.has(number.value)) {
      say(`"${number.raw}" as a price or discount is not the item's offer`);
    } else if (
      number.unit !== undefined &&
      !index.numberUnits.has(`${number.value}|${number.unit}`)
    ) {
      say(`"${number.raw}" with unit ${number.unit} is not in the item facts`);
    }
  }
  for (const word of words) {
    if (NUMBER_WORDS.has(word) && !index.words.has(word))
      say(`number word "${word}" is not in the item facts`);
    if (ATTRIBUTE_WORDS.has(word) && !index.words.has(word))
      say(`"${word}" is not an attribute of the item`);
  }
  for (const [symbol, codes] of Object.entries(CURRENCY_SYMBOLS)) {
    if (text.includes(symbol) && !codes.includes(index.currency))
      say(`currency "${symbol}" is not the item's`);
  }
  for (const word of words) {
    const codes = CURRENCY_WORDS[word];
    if (codes !== undefined && !codes.includes(index.currency))
      say(`currency "${word}" is not the item's`);
  }
  for (const match of text.matchAll(/\b[A-Z]{3}\b/g)) {
    if (ISO_CURRENCIES.has(match[0]) && match[0] !== index.currency)
      say(`currency "${match[0]}" is not the item's`);
  }
  for (const claim of CLAIMS) {
    if (hasPhrase(wordText, claim) && !hasPhrase(index.structuredText.trim(), claim)) {
      say(`claim "${claim}" is not in the item facts`);
    }
  }
  if (/#1\b/.test(text)) say('claim "#1" is not in the item facts');
  for (const match of text.matchAll(SHOUTING)) {
    if (!index.capitals.has(match[0])) say(`"${match[0]}" is shouted and not in the item facts`);
  }
  if (!rules.titleCaseAllowed) {
    for (const match of text.matchAll(CAPITALISED)) {
      const before = text.slice(0, match.index ?? 0);
      const sentenceStart = /(^|[.!?…]\s+|\n\s*|["“(]\s*)$/.test(before);
      const known = wordsOf(match[0]).every((word) => word === 'i' || index.words.has(word));
      if (!sentenceStart && !known) say(`name "${match[0]}" is not in the item facts`);
    }
  }
  for (const phrase of META_PHRASES) {
    // "Prompt Cards" is a product; a prompt mentioned elsewhere is the model talking shop.
    if (hasPhrase(wordText, phrase) && !hasPhrase(index.structuredText.trim(), phrase)) {
      say(`"${phrase}" talks about the machinery, not the item`);
    }
  }
  if (LINK.test(text)) say('links and e-mail addresses are not allowed');
  if (HANDLE.test(text)) say('handles are not allowed');
  for (const match of text.matchAll(HASHTAG)) {
    const tag = (match[1] ?? '').toLowerCase();
    if (!index.structuredText.replace(/ /g, '').includes(tag))
      say(`hashtag "#${match[1] ?? ''}" is not in the item facts`);
  }
  for (const term of options.forbiddenTerms ?? []) {
    if (term.length >= 3 && raw.toLowerCase().includes(term.toLowerCase()))
      say('contains an identifier of the user');
  }
  return problems;
}

/** The text with each quoted title of the user's history replaced by a neutral word. */
function withoutTitles(text: string, titles: readonly string[]): string {
  let rest = text;
  for (const title of titles) {
    if (title.trim().length < 3) continue;
    rest = rest.split(title).join('it');
  }
  return rest;
}

function lengthOf(text: string): number {
  return [...text].length;
}

/**
 * The problems of a free piece of text (no length bounds): what the template writer uses to
 * decide whether a sentence of the merchant's description may be quoted.
 */
export function fragmentProblems(text: string, facts: ItemFacts): string[] {
  return checkText(text, indexFacts(facts), { field: 'fragment', titleCaseAllowed: false }, {});
}

/** Checks a description: grounded in the facts and 30–90 words long. */
export function checkDescription(
  copy: DescriptionCopy,
  facts: ItemFacts,
  options: GroundingOptions = {},
): GroundingResult {
  const index = indexFacts(facts);
  const problems = checkText(copy.text, index, { field: 'text', titleCaseAllowed: false }, options);
  const words = wordCount(copy.text);
  if (words < DESCRIPTION_WORDS.min || words > DESCRIPTION_WORDS.max) {
    problems.push(
      `text: ${words} words, expected ${DESCRIPTION_WORDS.min} to ${DESCRIPTION_WORDS.max}`,
    );
  }
  return { grounded: problems.length === 0, problems };
}

/** Checks an ad: every part grounded in the facts and within the format's length bounds. */
export function checkAd(
  copy: AdCopy,
  format: AdFormat,
  facts: ItemFacts,
  options: GroundingOptions = {},
): GroundingResult {
  const index = indexFacts(facts);
  const limits = AD_LIMITS[format];
  const problems = [
    ...checkText(copy.headline, index, { field: 'headline', titleCaseAllowed: true }, options),
    ...checkText(copy.body, index, { field: 'body', titleCaseAllowed: false }, options),
    ...checkText(
      copy.callToAction,
      index,
      { field: 'callToAction', titleCaseAllowed: true },
      options,
    ),
  ];
  const parts: [string, string, number][] = [
    ['headline', copy.headline, limits.headlineChars],
    ['body', copy.body, limits.bodyChars],
    ['callToAction', copy.callToAction, limits.callToActionChars],
  ];
  for (const [field, text, max] of parts) {
    const length = lengthOf(text.trim());
    if (length === 0) problems.push(`${field}: empty`);
    else if (length > max)
      problems.push(`${field}: ${length} characters, at most ${max} allowed for ${format}`);
  }
  return { grounded: problems.length === 0, problems };
}
