/**
 * Money in text: the currency lexicon, numbers as the checker reads them, and which numbers of a
 * text speak about the offer (a price or a discount). Offer numbers come only from an item's
 * structured fields; free text that states another price is never repeated.
 */

/** Currency symbols and the codes each may stand for. */
export const CURRENCY_SYMBOLS: Readonly<Record<string, readonly string[]>> = {
  $: ['USD', 'CAD', 'AUD', 'NZD', 'SGD', 'HKD', 'MXN'],
  '€': ['EUR'],
  '£': ['GBP'],
  '¥': ['JPY', 'CNY'],
  '₹': ['INR'],
  '₩': ['KRW'],
  '₽': ['RUB'],
};

/** Currency words and the codes each may stand for. */
export const CURRENCY_WORDS: Readonly<Record<string, readonly string[]>> = {
  dollar: ['USD', 'CAD', 'AUD', 'NZD', 'SGD', 'HKD'],
  dollars: ['USD', 'CAD', 'AUD', 'NZD', 'SGD', 'HKD'],
  euro: ['EUR'],
  euros: ['EUR'],
  yen: ['JPY'],
  rupee: ['INR'],
  rupees: ['INR'],
};

export const ISO_CURRENCIES: ReadonlySet<string> = new Set([
  'USD',
  'EUR',
  'GBP',
  'JPY',
  'CNY',
  'CHF',
  'CAD',
  'AUD',
  'NZD',
  'SEK',
  'NOK',
  'DKK',
  'PLN',
  'CZK',
  'HUF',
  'INR',
  'KRW',
  'BRL',
  'MXN',
  'SGD',
  'HKD',
  'ZAR',
  'TRY',
  'RUB',
]);

/** A number as written: `1,299.00`, `19.99`, `30`. */
export const NUMBER = /\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?/g;

/** `1,299.00` → `1299`: one spelling per value, so facts and texts compare. */
export function canonicalNumber(raw: string): string {
  return String(Number(raw.replace(/,/g, '')));
}

const SYMBOLS = Object.keys(CURRENCY_SYMBOLS);
/** After a number: a currency code or word, or a percentage followed by "off". */
const OFFER_AFTER = /^\s?(?:([A-Za-z]{3})\b|([\p{L}]+)|((?:%|per ?cent\b)\s*off\b))/iu;
/** Before a number: "save 20%", "-20%", "discount of 20%". */
const DISCOUNT_BEFORE = /(?:\bsave|\bdiscount(?: of)?|-)\s*$/i;

/**
 * Canonical numbers of `text` that state a price or a discount: next to a currency symbol,
 * code or word, or a percentage taken off ("20% off", "save 20%"). "100% cotton" is a fact of
 * the product, not of the offer.
 */
export function offerNumbersIn(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(NUMBER)) {
    const at = match.index ?? 0;
    const before = text.slice(Math.max(0, at - 2), at);
    const percent = /^\s?(?:%|per ?cent\b)/i.test(text.slice(at + match[0].length));
    const after = OFFER_AFTER.exec(text.slice(at + match[0].length));
    const code = after?.[1]?.toUpperCase();
    const word = after?.[2]?.toLowerCase();
    const isOffer =
      SYMBOLS.some(
        (symbol) => before.includes(symbol) || text.startsWith(symbol, at + match[0].length),
      ) ||
      (code !== undefined && ISO_CURRENCIES.has(code)) ||
      (word !== undefined && CURRENCY_WORDS[word] !== undefined) ||
      after?.[3] !== undefined ||
      (percent && DISCOUNT_BEFORE.test(text.slice(Math.max(0, at - 16), at)));
    if (isOffer) found.push(canonicalNumber(match[0]));
  }
  return found;
}
