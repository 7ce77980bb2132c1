import { parseArgs } from 'node:util';

import { createLogger } from '@tailor/kit';

import { ITEM_LIMITS } from './domain/item.js';
import {
  DEFAULT_IMPORT_BATCH_SIZE,
  ImportFileError,
  type ImportFormat,
  runImport,
} from './import/run.js';

const USAGE = `Usage: node services/catalog/dist/import.js --file items.jsonl|items.csv [options]

Sends the items of a JSONL or CSV file to upsertItems in batches and prints one JSON line per
batch. Exits 0 when every item was stored, 1 when any was refused or a batch failed, 2 on
wrong usage.

  --file <path>        JSONL (one ItemInput per line) or CSV with a header row
  --url <url>          GraphQL endpoint (default http://127.0.0.1:4000/graphql, the gateway)
  --batch-size <n>     items per request, 1 to ${ITEM_LIMITS.maxBatchSize} (default ${DEFAULT_IMPORT_BATCH_SIZE})
  --format jsonl|csv   overrides the format taken from the file extension
  --header "K: V"      extra request header, repeatable (e.g. authorization)
  --help               this text
`;

const DEFAULT_URL = 'http://127.0.0.1:4000/graphql';

/** Exit codes: the import ran and refused nothing, refused something, or could not start. */
const EXIT_OK = 0;
const EXIT_REJECTED = 1;
const EXIT_USAGE = 2;

function parseHeaders(values: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf(':');
    if (at <= 0)
      throw new ImportFileError(
        `--header must look like "Name: value", got ${JSON.stringify(value)}`,
      );
    headers[value.slice(0, at).trim().toLowerCase()] = value.slice(at + 1).trim();
  }
  return headers;
}

async function main(): Promise<number> {
  // Lines go straight to stdout so they are all written before the process ends.
  const logger = createLogger({ name: 'catalog-import', destination: process.stdout });
  const parse = () =>
    parseArgs({
      options: {
        file: { type: 'string' },
        url: { type: 'string', default: DEFAULT_URL },
        'batch-size': { type: 'string', default: String(DEFAULT_IMPORT_BATCH_SIZE) },
        format: { type: 'string' },
        header: { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    });
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (err) {
    logger.error({ err: (err as Error).message, usage: USAGE }, 'wrong usage');
    return EXIT_USAGE;
  }
  const { values } = args;
  if (values.help) {
    process.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (values.file === undefined) {
    logger.error({ usage: USAGE }, 'wrong usage: --file is required');
    return EXIT_USAGE;
  }
  const format = values.format;
  if (format !== undefined && format !== 'jsonl' && format !== 'csv') {
    logger.error({ format }, 'wrong usage: --format must be jsonl or csv');
    return EXIT_USAGE;
  }
  try {
    const summary = await runImport({
      file: values.file,
      url: values.url,
      batchSize: Number(values['batch-size']),
      ...(format === undefined ? {} : { format: format as ImportFormat }),
      headers: parseHeaders(values.header),
      logger,
    });
    return summary.rejected > 0 || summary.stoppedBy !== null ? EXIT_REJECTED : EXIT_OK;
  } catch (err) {
    if (err instanceof ImportFileError) {
      logger.error({ err: err.message, file: values.file }, 'cannot import');
      return EXIT_USAGE;
    }
    logger.error({ err }, 'import failed');
    return EXIT_REJECTED;
  }
}

process.exitCode = await main();
