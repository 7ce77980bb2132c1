import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

import { parse } from 'csv-parse';

/** The file formats a history import reads. */
export type ImportFormat = 'csv' | 'jsonl';

/** One event as the importEvents mutation takes it. */
export interface ImportedEventInput {
  eventId?: string;
  userId: string;
  itemId?: string;
  type: string;
  value?: number;
  timestamp: string;
  context?: unknown;
}

/** One line of the file: the event it holds, or why it holds none. */
export type ImportRecord =
  { line: number; event: ImportedEventInput } | { line: number; field: string; message: string };

/** CSV columns an import reads; `userId`, `type` and `timestamp` are required. */
export const CSV_COLUMNS = ['eventId', 'userId', 'itemId', 'type', 'value', 'timestamp'] as const;

/** The format a file's name implies, undefined when it implies none. */
export function formatOfFile(file: string): ImportFormat | undefined {
  if (/\.csv$/i.test(file)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(file)) return 'jsonl';
  return undefined;
}

/**
 * Maps one record's fields to the mutation's input. Types are accepted as the contract spells
 * them (`add_to_cart`) or as the graph does (`ADD_TO_CART`); timestamps as ISO-8601 or epoch
 * milliseconds. Field checks beyond shape are the server's: it names the field it refuses.
 */
export function eventOfFields(
  fields: Readonly<Record<string, unknown>>,
  line: number,
): ImportRecord {
  const text = (key: string): string | undefined => {
    const value = fields[key];
    if (value === undefined || value === null || value === '') return undefined;
    return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
  };
  for (const key of ['userId', 'type', 'timestamp'] as const) {
    if (text(key) === undefined) return { line, field: key, message: `${key} is required` };
  }
  const event: ImportedEventInput = {
    userId: text('userId')!,
    type: text('type')!.toUpperCase(),
    timestamp: text('timestamp')!,
  };
  const eventId = text('eventId');
  if (eventId !== undefined) event.eventId = eventId;
  const itemId = text('itemId');
  if (itemId !== undefined) event.itemId = itemId;
  const value = fields.value;
  if (value !== undefined && value !== null && value !== '') {
    const number = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(number))
      return { line, field: 'value', message: 'value must be a number' };
    event.value = number;
  }
  if (fields.context !== undefined) event.context = fields.context;
  return { line, event };
}

async function* jsonlRecords(file: string): AsyncGenerator<ImportRecord> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (text.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      yield { line, field: '(line)', message: `not valid JSON: ${(err as Error).message}` };
      continue;
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      yield { line, field: '(line)', message: 'an event must be a JSON object' };
      continue;
    }
    yield eventOfFields(json as Record<string, unknown>, line);
  }
}

async function* csvRecords(file: string): AsyncGenerator<ImportRecord> {
  const parser = createReadStream(file).pipe(
    parse({
      columns: (header: string[]) => {
        const unknown = header.filter((name) => !(CSV_COLUMNS as readonly string[]).includes(name));
        if (unknown.length > 0) {
          throw new Error(
            `unknown CSV column(s) ${unknown.join(', ')}; the columns are ${CSV_COLUMNS.join(', ')}`,
          );
        }
        return header;
      },
      skip_empty_lines: true,
      trim: true,
      info: true,
    }),
  );
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    yield eventOfFields(record, info.lines);
  }
}

/** The file's records in order, streamed: a file of any size is read in constant memory. */
export function readImportRecords(
  file: string,
  format: ImportFormat,
): AsyncGenerator<ImportRecord> {
  return format === 'csv' ? csvRecords(file) : jsonlRecords(file);
}
