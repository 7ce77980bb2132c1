import { parseArgs } from 'node:util';

import { retry } from '@tailor/kit';

import { type BatchAnswer, importHistory, ImportInterruptedError } from './import/importer.js';
import {
  formatOfFile,
  type ImportedEventInput,
  type ImportFormat,
  readImportRecords,
} from './import/records.js';

const USAGE = `usage: npm run import-events -- --file <events.csv|events.jsonl> [--format csv|jsonl]
                             [--url <gateway /graphql>] [--token <JWT>] [--batch <n>]
  Imports past behaviour events through the gateway's importEvents mutation, each keeping its
  own time. JSONL: one event per line, the contract's fields (userId, itemId, type, value,
  timestamp, eventId, context). CSV: a header row naming columns among eventId, userId, itemId,
  type, value, timestamp. Streams the file in batches (--batch, default the server's
  eventLimits.maxBatchSize) and reports progress and each refused line on stderr.
  --url defaults to http://127.0.0.1:4000/graphql; --token (or TAILOR_TOKEN) must be a service
  token when the gateway checks tokens. Exit status: 0 all imported, 3 some lines refused,
  1 the import stopped (rerunning it is safe), 2 usage.`;

const IMPORT = `mutation Import($events: [UserEventInput!]!) {
  importEvents(events: $events) { accepted errors { index field message } }
}`;
const LIMITS = `{ eventLimits { maxBatchSize } }`;

/** Attempts of a batch the server could not take for now (SERVICE_UNAVAILABLE, 5xx, network). */
const ATTEMPTS = 5;
/** Wait before the second attempt; doubled each time. */
const FIRST_BACKOFF_MS = 1_000;
/** Line errors printed; the rest are counted. */
const ERRORS_PRINTED = 100;

function print(stream: NodeJS.WriteStream, text: string): void {
  stream.write(`${text}\n`);
}

interface GraphqlAnswer<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string; retryAfterSeconds?: number } }[];
}

/**
 * Longest a batch waits in total while the server says it is overloaded (`OVERLOADED`: the
 * profile updater is behind, or the gateway sheds load). Those waits follow the server's
 * `retryAfterSeconds` and do not use up the attempts: slowing down is what it asked for.
 */
const MAX_OVERLOADED_WAIT_MS = 600_000;

/** Thrown for an answer worth another attempt. */
class TransientError extends Error {}

/** The server asked to send again later; `retryAfterMs` is how much later. */
class OverloadedError extends TransientError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

async function post<T>(url: string, token: string | undefined, query: string, variables = {}) {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch (err) {
    throw new TransientError(`cannot reach ${url}: ${(err as Error).message}`);
  }
  const body = (await response.json().catch(() => ({}))) as GraphqlAnswer<T>;
  const error = body.errors?.[0];
  if (error?.extensions?.code === 'OVERLOADED') {
    const seconds = Number(
      error.extensions.retryAfterSeconds ?? response.headers.get('retry-after'),
    );
    throw new OverloadedError(
      error.message,
      Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000,
    );
  }
  if (response.status >= 500 || error?.extensions?.code === 'SERVICE_UNAVAILABLE') {
    throw new TransientError(error?.message ?? `HTTP ${response.status}`);
  }
  if (error !== undefined || body.data === undefined) {
    const code = error?.extensions?.code === undefined ? '' : ` (${error.extensions.code})`;
    throw new Error(`${error?.message ?? `HTTP ${response.status}`}${code}`);
  }
  return body.data;
}

async function withRetries<T>(work: () => Promise<T>): Promise<T> {
  let overloadedWaitMs = 0;
  return retry(work, {
    attempts: ATTEMPTS,
    initialDelayMs: FIRST_BACKOFF_MS,
    retriable: (err) => err instanceof TransientError,
    retryAfterMs: (err) => {
      if (!(err instanceof OverloadedError)) return undefined;
      // Past the budget, an overloaded answer is retried like any transient one.
      if (overloadedWaitMs + err.retryAfterMs > MAX_OVERLOADED_WAIT_MS) return undefined;
      if (overloadedWaitMs === 0)
        print(process.stderr, `server overloaded, slowing down: ${err.message}`);
      overloadedWaitMs += err.retryAfterMs;
      return err.retryAfterMs;
    },
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      file: { type: 'string' },
      format: { type: 'string' },
      url: { type: 'string', default: 'http://127.0.0.1:4000/graphql' },
      token: { type: 'string' },
      batch: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    print(process.stdout, USAGE);
    return 0;
  }
  const format = (values.format ?? formatOfFile(values.file ?? '')) as ImportFormat | undefined;
  const batch = values.batch === undefined ? undefined : Number(values.batch);
  if (
    values.file === undefined ||
    (format !== 'csv' && format !== 'jsonl') ||
    (batch !== undefined && !(Number.isInteger(batch) && batch > 0))
  ) {
    print(process.stderr, USAGE);
    return 2;
  }
  const token = values.token ?? process.env.TAILOR_TOKEN;
  const limits = await withRetries(() =>
    post<{ eventLimits: { maxBatchSize: number } }>(values.url, token, LIMITS),
  );
  const batchSize = Math.min(batch ?? Infinity, limits.eventLimits.maxBatchSize);
  const started = Date.now();
  try {
    const summary = await importHistory({
      records: readImportRecords(values.file, format),
      batchSize,
      send: (events: ImportedEventInput[]) =>
        withRetries(async () => {
          const data = await post<{ importEvents: BatchAnswer }>(values.url, token, IMPORT, {
            events,
          });
          return data.importEvents;
        }),
      maxErrorsKept: ERRORS_PRINTED,
      onProgress: (p) =>
        print(
          process.stderr,
          `${p.records} records: ${p.accepted} imported, ${p.refused} refused (${((Date.now() - started) / 1000).toFixed(1)} s)`,
        ),
    });
    for (const error of summary.errors) {
      print(process.stderr, `line ${error.line}: ${error.field}: ${error.message}`);
    }
    if (summary.refused > summary.errors.length) {
      print(process.stderr, `… and ${summary.refused - summary.errors.length} more refused lines`);
    }
    print(
      process.stdout,
      JSON.stringify({
        records: summary.records,
        imported: summary.accepted,
        refused: summary.refused,
      }),
    );
    return summary.refused > 0 ? 3 : 0;
  } catch (err) {
    if (err instanceof ImportInterruptedError) {
      print(process.stderr, `import stopped: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = await main().catch((err: unknown) => {
  print(process.stderr, `import failed: ${err instanceof Error ? err.message : String(err)}`);
  return 1;
});
