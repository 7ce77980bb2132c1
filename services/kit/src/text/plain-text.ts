import { Parser } from 'htmlparser2';

/** Elements whose content is code or styling, never text a shopper reads. */
const NON_TEXT_ELEMENTS = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'object']);

/** Elements that end a line of text: their edges become spaces, so words do not run together. */
const BREAKING_ELEMENTS = new Set(['br', 'p', 'div', 'li', 'tr', 'td', 'th', 'h1', 'h2', 'h3']);

/**
 * C0/C1 controls and the bidirectional marks, embeddings, overrides and isolates, plus the
 * zero-width joiners that hide text: none belongs in copy, and bidi overrides can make a text
 * read as another.
 */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- removing control characters is the point here
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * Merchant text as plain text: markup parsed away (an HTML parser, not a pattern: `<b
 * onmouseover=…>` and `<script>…</script>` both go, the script's content with it), entities
 * decoded, invisible and bidi-control characters removed, whitespace collapsed. What generation
 * writes from, so no writer can pass markup on.
 */
export function toPlainText(text: string): string {
  if (!/[<&]/.test(text)) return text.replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim();
  const parts: string[] = [];
  let hidden = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (NON_TEXT_ELEMENTS.has(name)) hidden += 1;
        if (BREAKING_ELEMENTS.has(name)) parts.push(' ');
      },
      ontext(data) {
        if (hidden === 0) parts.push(data);
      },
      onclosetag(name) {
        if (NON_TEXT_ELEMENTS.has(name)) hidden = Math.max(0, hidden - 1);
        if (BREAKING_ELEMENTS.has(name)) parts.push(' ');
      },
    },
    { decodeEntities: true },
  );
  parser.write(text);
  parser.end();
  return (
    parts
      .join('')
      .replace(INVISIBLE, ' ')
      // A decoded `&lt;b&gt;` is markup again: angle brackets never reach copy.
      .replace(/[<>]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  );
}
