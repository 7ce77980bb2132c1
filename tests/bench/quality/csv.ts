/**
 * Reads the CSV files of a MovieLens release: a header row, comma-separated fields, fields with
 * commas or quotes wrapped in double quotes with `""` for a quote (RFC 4180). No field of a
 * MovieLens file spans lines, so parsing is per line.
 */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i]!;
    if (quoted) {
      if (char !== '"') field += char;
      else if (line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  if (quoted) throw new SyntaxError(`unterminated quoted field in: ${line.slice(0, 80)}`);
  fields.push(field);
  return fields;
}

/** Every row of a CSV text as an object keyed by the header; blank lines are skipped. */
export function parseCsv(text: string): Record<string, string>[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const [headerLine, ...body] = lines;
  if (headerLine === undefined) return [];
  const header = parseCsvLine(headerLine.replace(/^\uFEFF/, ''));
  return body.map((line, index) => {
    const fields = parseCsvLine(line);
    if (fields.length !== header.length) {
      throw new SyntaxError(
        `line ${index + 2}: expected ${header.length} fields as in the header, got ${fields.length}`,
      );
    }
    return Object.fromEntries(header.map((name, i) => [name, fields[i]!]));
  });
}
