/** One CSV record and the line it starts on (records with quoted newlines span several). */
export interface CsvRecord {
  /** 1-based physical line the record starts on. */
  line: number;
  fields: string[];
}

/** The input is not CSV as RFC 4180 describes it; `line` says where. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvSyntaxError';
  }
}

/**
 * An incremental RFC 4180 parser: comma-separated fields, fields in double quotes may hold
 * commas, line breaks and doubled quotes (`""`). Accepts CRLF, LF and lone CR line breaks, a
 * UTF-8 byte order mark, and skips blank lines. Feed chunks with {@link push}; call {@link end}
 * once. A quote inside an unquoted field is kept as a character, as spreadsheets write it.
 */
export class CsvParser {
  private field = '';
  private fields: string[] = [];
  private quoted = false;
  private inQuotes = false;
  /** Just after a closing quote: only a quote (escape), comma or line break may follow. */
  private afterQuote = false;
  private afterCr = false;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private started = false;

  push(chunk: string): CsvRecord[] {
    const records: CsvRecord[] = [];
    let text = chunk;
    if (!this.started) {
      this.started = true;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    for (let i = 0; i < text.length; i += 1) {
      const c = text[i]!;
      if (this.afterCr) {
        this.afterCr = false;
        // The LF of a CRLF: the break was already counted at the CR.
        if (c === '\n') {
          if (this.inQuotes) this.field += c;
          continue;
        }
      }
      if (this.inQuotes) {
        if (c === '"') {
          this.inQuotes = false;
          this.afterQuote = true;
        } else {
          this.field += c;
          if (c === '\n' || c === '\r') this.newLine(c);
        }
        continue;
      }
      if (this.afterQuote) {
        this.afterQuote = false;
        if (c === '"') {
          this.field += '"';
          this.inQuotes = true;
          continue;
        }
        if (c !== ',' && c !== '\n' && c !== '\r') {
          throw new CsvSyntaxError(
            this.line,
            `unexpected ${JSON.stringify(c)} after a closing quote`,
          );
        }
      }
      if (c === ',') {
        this.endField();
      } else if (c === '\n' || c === '\r') {
        this.newLine(c);
        const record = this.endRecord();
        if (record !== null) records.push(record);
      } else if (c === '"' && this.field === '' && !this.quoted) {
        this.quoted = true;
        this.inQuotes = true;
        this.quoteLine = this.line;
      } else {
        this.field += c;
      }
    }
    return records;
  }

  /** Ends the input; returns the last record when the input does not end with a line break. */
  end(): CsvRecord[] {
    if (this.inQuotes) {
      throw new CsvSyntaxError(
        this.quoteLine,
        'quoted field is not closed before the end of the input',
      );
    }
    const record = this.endRecord();
    return record === null ? [] : [record];
  }

  private newLine(c: string): void {
    this.line += 1;
    if (c === '\r') this.afterCr = true;
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.quoted = false;
    this.afterQuote = false;
  }

  private endRecord(): CsvRecord | null {
    const blank = this.fields.length === 0 && this.field === '' && !this.quoted;
    this.endField();
    const record = { line: this.recordLine, fields: this.fields };
    this.fields = [];
    this.recordLine = this.line;
    return blank ? null : record;
  }
}

/** Parses a whole CSV text. */
export function parseCsv(text: string): CsvRecord[] {
  const parser = new CsvParser();
  return [...parser.push(text), ...parser.end()];
}
