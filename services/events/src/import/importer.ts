import type { ImportedEventInput, ImportRecord } from './records.js';

/** How far an import has come. */
export interface ImportProgress {
  /** Records read from the file (blank lines are not records). */
  records: number;
  accepted: number;
  refused: number;
}

/** Why one line of the file was not imported. */
export interface ImportLineError {
  line: number;
  field: string;
  message: string;
}

/** What an import came to; `errors` holds the first {@link ImportOptions.maxErrorsKept}. */
export interface ImportSummary extends ImportProgress {
  errors: ImportLineError[];
}

/** What the server answered for one batch: how many it took and why it refused the others. */
export interface BatchAnswer {
  accepted: number;
  errors: readonly { index: number; field: string; message: string }[];
}

/** Options of {@link importHistory}. */
export interface ImportOptions {
  records: AsyncIterable<ImportRecord>;
  /** Sends one batch; throws when the batch as a whole was not taken. */
  send: (events: ImportedEventInput[]) => Promise<BatchAnswer>;
  /** Events per batch: at most the server's `eventLimits.maxBatchSize`. */
  batchSize: number;
  /** Line errors kept for the summary; the rest are only counted. Default 100. */
  maxErrorsKept?: number;
  /** Called after each batch. */
  onProgress?: (progress: ImportProgress) => void;
}

/** A batch was refused as a whole; what came before it was imported. */
export class ImportInterruptedError extends Error {
  constructor(
    readonly progress: ImportProgress,
    readonly firstLine: number,
    cause: unknown,
  ) {
    super(
      `the batch from line ${firstLine} was not imported (${cause instanceof Error ? cause.message : String(cause)}); ` +
        `${progress.accepted} events before it were. Importing the file again is safe: ` +
        'events keep their ids, so each is recorded once.',
      { cause },
    );
  }
}

/**
 * Streams records to the server in batches, in file order, one batch in flight: memory stays
 * bounded whatever the file's size, and the server sees the history in the order it happened
 * when the file is in that order.
 */
export async function importHistory(options: ImportOptions): Promise<ImportSummary> {
  const maxErrorsKept = options.maxErrorsKept ?? 100;
  const summary: ImportSummary = { records: 0, accepted: 0, refused: 0, errors: [] };
  const refuse = (error: ImportLineError) => {
    summary.refused += 1;
    if (summary.errors.length < maxErrorsKept) summary.errors.push(error);
  };
  let batch: ImportedEventInput[] = [];
  let lines: number[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    let answer: BatchAnswer;
    try {
      answer = await options.send(batch);
    } catch (err) {
      throw new ImportInterruptedError(
        { records: summary.records, accepted: summary.accepted, refused: summary.refused },
        lines[0]!,
        err,
      );
    }
    summary.accepted += answer.accepted;
    for (const error of answer.errors) {
      refuse({ line: lines[error.index] ?? 0, field: error.field, message: error.message });
    }
    batch = [];
    lines = [];
    options.onProgress?.({
      records: summary.records,
      accepted: summary.accepted,
      refused: summary.refused,
    });
  };
  for await (const record of options.records) {
    summary.records += 1;
    if ('event' in record) {
      batch.push(record.event);
      lines.push(record.line);
      if (batch.length >= options.batchSize) await flush();
    } else {
      refuse(record);
    }
  }
  await flush();
  return summary;
}
