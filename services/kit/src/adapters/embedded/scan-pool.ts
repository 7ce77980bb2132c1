import { Worker } from 'node:worker_threads';

import type { Logger } from '../../logger.js';
import type { ScanColumn } from './scan.js';

/** What the store posts to the worker: views of shared memory, and the query (copied). */
export interface ScanRequest {
  id: number;
  column: ScanColumn;
  count: number;
  query: Float32Array;
  /** One score per slot, written by the worker. */
  scores: Float64Array;
}

interface ScanReply {
  id: number;
  error?: string;
}

interface Pending {
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * One worker thread that scores large scans, so a search over 100k points does not hold the
 * thread every other request of the process waits on. Started when a collection first grows
 * large enough to need it (its start-up takes tens of ms, better spent before a search waits
 * on it), kept out of the process's liveness while idle; a worker that dies fails its scans
 * (the store then scans inline) and is started again on the next one.
 */
export class ScanWorker {
  private worker: Worker | null = null;
  private closed = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly log: Logger) {}

  /** Starts the worker if it is not running, so the first large search does not wait for it. */
  prestart(): void {
    if (!this.closed && this.worker === null) this.start();
  }

  /**
   * The score of every slot of the column (-Infinity where absent), computed in the worker.
   * Posted before the worker is up, the scan waits for it (messages queue until then).
   */
  score(column: ScanColumn, count: number, query: Float32Array): Promise<Float64Array> {
    if (this.closed) return Promise.reject(new Error('the vector store closed'));
    this.prestart();
    const worker = this.worker!;
    const scores = new Float64Array(new SharedArrayBuffer(Math.max(1, count) * 8));
    const id = this.nextId;
    this.nextId += 1;
    return new Promise<Float64Array>((resolve, reject) => {
      this.pending.set(id, { resolve: () => resolve(scores), reject });
      if (this.pending.size === 1) worker.ref();
      const request: ScanRequest = {
        id,
        column: { data: column.data, present: column.present, size: column.size },
        count,
        query,
        scores,
      };
      worker.postMessage(request);
    });
  }

  private start(): void {
    const worker = new Worker(new URL('./scan-worker.js', import.meta.url));
    worker.unref();
    worker.on('message', (reply: ScanReply) => {
      const pending = this.pending.get(reply.id);
      if (pending === undefined) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.error === undefined) pending.resolve();
      else pending.reject(new Error(`scan worker: ${reply.error}`));
    });
    worker.on('error', (err) => {
      this.log.error({ err }, 'vector scan worker failed');
      this.stop(worker, err);
    });
    worker.on('exit', (code) => this.stop(worker, new Error(`scan worker exited (${code})`)));
    this.worker = worker;
  }

  private stop(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const pending of this.pending.values()) pending.reject(err);
    this.pending.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (worker === null) return;
    this.stop(worker, new Error('the vector store closed'));
    await worker.terminate();
  }
}
