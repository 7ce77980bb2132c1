/**
 * The worker thread of the embedded vector store's large scans (see scan-pool.ts). It reads the
 * collection's vectors, and the filter's mask, where they are, in shared memory; nothing is
 * copied but the query and the top-k it sends back.
 */
import { parentPort } from 'node:worker_threads';

import { scanTopK } from './scan.js';
import type { ScanReply, ScanRequest } from './scan-pool.js';
import { TopK } from './top-k.js';

const port = parentPort;
if (port === null) throw new Error('scan-worker.js runs as a worker thread only');

port.on('message', (request: ScanRequest) => {
  let reply: ScanReply;
  try {
    const top = new TopK(request.limit);
    const { mask } = request;
    const accept = mask === null ? null : (slot: number) => mask[slot] === 1;
    const { column, from, to, query, skipSlot } = request;
    scanTopK(column, from, to, query, top, skipSlot, accept);
    reply = { id: request.id, hits: top.sorted() };
  } catch (err) {
    reply = { id: request.id, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});
