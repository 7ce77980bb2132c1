import { createReadStream } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';

import type { Logger } from '@tailor/kit';

import { ITEM_LIMITS, type ItemFieldError, type ItemFields } from '../domain/item.js';
import { ImportRequestError, sendUpsertItems } from './client.js';
import { CsvParser, CsvSyntaxError } from './csv.js';
import {
  checkCsvHeader,
  type CsvColumn,
  recordFromCsvRow,
  recordFromJsonLine,
  type RecordResult,
} from './records.js';

export type ImportFormat = 'jsonl' | 'csv';

/** Items per `upsertItems` call unless `--batch-size` says otherwise. */
export const DEFAULT_IMPORT_BATCH_SIZE = 200;

/** Options of {@link runImport}. */
export interface ImportOptions {
  file: string;
  /** GraphQL endpoint of the gateway or the catalog subgraph. */
  url: string;
  /** Items per request, 1 to the service's batch limit. */
  batchSize?: number;
  /** Taken from the file extension when absent. */
  format?: ImportFormat;
  headers?: Readonly<Record<string, string>>;
  /** Batch reports go here, one JSON line each. */
  logger: Logger;
}

/** What an import came to. */
export interface ImportSummary {
  /** Records read from the file (lines or rows). */
  records: number;
  accepted: number;
  /** Refused by the file check or by the service. */
  rejected: number;
  /**
   * Items of the batch the import stopped at: not known to be stored. Lines after it were not
   * read.
   */
  notSent: number;
  batches: number;
  /** Why the import stopped before the end of the file; null when it did not. */
  stoppedBy: string | null;
}

/** The file cannot be imported at all (unknown format, bad CSV header). */
export class ImportFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFileError';
  }
}

interface ReadRecord {
  line: number;
  result: RecordResult;
}

/** The format a file name implies, if any. */
export function formatOf(file: string): ImportFormat | undefined {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  if (extension === '.csv') return 'csv';
  return undefined;
}

async function* jsonLines(file: string): AsyncGenerator<ReadRecord> {
  const lines = createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (text.trim() === '') continue;
    yield { line, result: recordFromJsonLine(text) };
  }
}

async function* csvRows(file: string, logger: Logger): AsyncGenerator<ReadRecord> {
  const parser = new CsvParser();
  let header: string[] | undefined;
  const rowsOf = function* (records: ReturnType<CsvParser['push']>): Generator<ReadRecord> {
    for (const record of records) {
      if (header === undefined) {
        header = record.fields.map((name) => name.trim());
        const check = checkCsvHeader(header);
        if (check.missing.length > 0) {
          throw new ImportFileError(
            `CSV header lacks required columns: ${check.missing.join(', ')}`,
          );
        }
        if (check.unknown.length > 0)
          logger.warn({ columns: check.unknown }, 'CSV columns ignored');
        continue;
      }
      if (record.fields.length !== header.length) {
        const message = `expected ${header.length} fields as in the header, got ${record.fields.length}`;
        yield { line: record.line, result: { ok: false, errors: [{ field: 'row', message }] } };
        continue;
      }
      const names = header;
      const row = Object.fromEntries(
        record.fields.map((value, i) => [names[i]!, value]),
      ) as Partial<Record<CsvColumn, string>>;
      yield { line: record.line, result: recordFromCsvRow(row) };
    }
  };
  for await (const chunk of createReadStream(file, { encoding: 'utf8' })) {
    yield* rowsOf(parser.push(chunk as string));
  }
  yield* rowsOf(parser.end());
  if (header === undefined)
    throw new ImportFileError('CSV file is empty: a header row is required');
}

interface LineError extends ItemFieldError {
  line: number;
  itemId: string | null;
}

interface PendingBatch {
  inputs: ItemFields[];
  /** Line of each input, by position. */
  lines: number[];
  /** Records refused before sending. */
  localErrors: LineError[];
  localRejected: number;
  firstLine: number | null;
  lastLine: number;
}

function emptyBatch(): PendingBatch {
  return { inputs: [], lines: [], localErrors: [], localRejected: 0, firstLine: null, lastLine: 0 };
}

/**
 * Reads a JSONL or CSV file and sends its items with `upsertItems` in batches, one JSON log line
 * per batch naming the file line of every refused item. Stops at the first batch the service
 * cannot take as a whole (unreachable, refused request): upserts are idempotent, so the file
 * can simply be sent again once the cause is fixed.
 */
export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? DEFAULT_IMPORT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > ITEM_LIMITS.maxBatchSize) {
    throw new ImportFileError(
      `batch size must be a whole number from 1 to ${ITEM_LIMITS.maxBatchSize}, got ${batchSize}`,
    );
  }
  const format = options.format ?? formatOf(options.file);
  if (format === undefined) {
    throw new ImportFileError(
      `cannot tell the format of ${options.file}: name it .jsonl or .csv, or pass --format`,
    );
  }
  try {
    await access(options.file, constants.R_OK);
  } catch (err) {
    throw new ImportFileError(
      `cannot read ${options.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  const log = options.logger.child({ component: 'import' });
  const summary: ImportSummary = {
    records: 0,
    accepted: 0,
    rejected: 0,
    notSent: 0,
    batches: 0,
    stoppedBy: null,
  };
  let batch = emptyBatch();

  const flush = async () => {
    const current = batch;
    batch = emptyBatch();
    if (current.firstLine === null) return;
    summary.batches += 1;
    const report = {
      batch: summary.batches,
      firstLine: current.firstLine,
      lastLine: current.lastLine,
      sent: current.inputs.length,
    };
    let accepted = 0;
    let errors = current.localErrors;
    let rejectedByService = 0;
    if (current.inputs.length > 0) {
      try {
        const reply = await sendUpsertItems(current.inputs, {
          url: options.url,
          ...(options.headers ? { headers: options.headers } : {}),
        });
        accepted = reply.upserted;
        const serviceErrors = reply.errors.map((e) => ({
          line: current.lines[e.index] ?? 0,
          itemId: e.itemId,
          field: e.field,
          message: e.message,
        }));
        rejectedByService = new Set(reply.errors.map((e) => e.index)).size;
        errors = [...errors, ...serviceErrors].sort((a, b) => a.line - b.line);
      } catch (err) {
        if (!(err instanceof ImportRequestError)) throw err;
        summary.rejected += current.localRejected;
        summary.notSent += current.inputs.length;
        summary.stoppedBy = err.message;
        log.error({ ...report, err: err.message }, 'batch refused, import stopped');
        throw err;
      }
    }
    const rejected = current.localRejected + rejectedByService;
    summary.accepted += accepted;
    summary.rejected += rejected;
    const level = rejected > 0 ? 'warn' : 'info';
    log[level]({ ...report, accepted, rejected, errors }, 'batch imported');
  };

  const records = format === 'jsonl' ? jsonLines(options.file) : csvRows(options.file, log);
  try {
    for await (const { line, result } of records) {
      summary.records += 1;
      batch.firstLine ??= line;
      batch.lastLine = line;
      if (result.ok) {
        batch.inputs.push(result.input);
        batch.lines.push(line);
        if (batch.inputs.length >= batchSize) await flush();
      } else {
        batch.localRejected += 1;
        for (const error of result.errors) batch.localErrors.push({ line, itemId: null, ...error });
      }
    }
    await flush();
  } catch (err) {
    if (err instanceof CsvSyntaxError) {
      summary.stoppedBy = err.message;
      summary.notSent += batch.inputs.length;
      log.error({ line: err.line, err: err.message }, 'CSV syntax error, import stopped');
    } else if (!(err instanceof ImportRequestError)) {
      throw err;
    }
  }
  const level = summary.rejected > 0 || summary.stoppedBy !== null ? 'warn' : 'info';
  log[level]({ ...summary }, 'import finished');
  return summary;
}
