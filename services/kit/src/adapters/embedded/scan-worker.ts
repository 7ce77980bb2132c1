/**
 * The worker thread of the embedded vector store's large scans (see scan-pool.ts). It reads the
 * collection's vectors where they are, in shared memory, and writes one score per slot into a
 * shared array; nothing is copied but the query.
 */
import { parentPort } from 'node:worker_threads';

import { scoreAll } from './scan.js';
import type { ScanRequest } from './scan-pool.js';

const port = parentPort;
if (port === null) throw new Error('scan-worker.js runs as a worker thread only');

port.on('message', (request: ScanRequest) => {
  try {
    scoreAll(request.column, request.count, request.query, request.scores);
    port.postMessage({ id: request.id });
  } catch (err) {
    port.postMessage({ id: request.id, error: err instanceof Error ? err.message : String(err) });
  }
});
