import { Worker } from 'node:worker_threads';

import type { Logger } from '../../../logger.js';
import type { ScanColumn } from './scan.js';

/** A scan for the worker: views of shared memory, and the query (copied). */
export interface ScanRequest {
  id: number;
  column: ScanColumn;
  /** The slots `[from, to)` this worker scores. */
  from: number;
  to: number;
  query: Float32Array;
  limit: number;
  skipSlot: number;
  /** 1 for each slot that passes the search's filter; null without a filter. */
  mask: Uint8Array | null;
}

/** A slot and its score, best first. */
export interface ScanHit {
  score: number;
  slot: number;
}

export type ScanReply = { id: number; hits: ScanHit[] } | { id: number; error: string };

interface Pending {
  resolve: (hits: ScanHit[]) => void;
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
   * The top-k of a scan, computed in the worker. Posted before the worker is up, the scan waits
   * for it (messages queue until then).
   */
  scan(request: Omit<ScanRequest, 'id'>): Promise<ScanHit[]> {
    if (this.closed) return Promise.reject(new Error('the vector store closed'));
    this.prestart();
    const worker = this.worker!;
    const id = this.nextId;
    this.nextId += 1;
    return new Promise<ScanHit[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      const { column } = request;
      const message: ScanRequest = {
        ...request,
        id,
        column: { data: column.data, present: column.present, size: column.size },
      };
      worker.postMessage(message);
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
      if ('hits' in reply) pending.resolve(reply.hits);
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

/** What the store asks of {@link ScanPool.scan}: a scan of slots `[0, count)`. */
export interface PoolScan {
  column: ScanColumn;
  count: number;
  query: Float32Array;
  limit: number;
  skipSlot: number;
  mask: Uint8Array | null;
}

/**
 * Below this many slots per worker, splitting a scan costs more than it saves: on the shared
 * 2-core machine two workers took 1.2 to 7 times one at 10k points, were mixed at 30k and took
 * 0.73 to 0.90 times one at 100k for top-10 and top-100 (bench:vectors, 2026-12-04). So a scan
 * splits from 32,768 slots.
 */
const MIN_SLOTS_PER_WORKER = 16_384;

/**
 * Scan workers that split a large scan between them: each scores a contiguous share of the
 * slots into its own top-k, and the shares' hits are merged here (at most workers × limit).
 */
export class ScanPool {
  private readonly workers: ScanWorker[];

  constructor(size: number, log: Logger) {
    this.workers = Array.from({ length: size }, () => new ScanWorker(log));
  }

  prestart(): void {
    for (const worker of this.workers) worker.prestart();
  }

  async scan(request: PoolScan): Promise<ScanHit[]> {
    const { count, limit } = request;
    const parts = Math.max(
      1,
      Math.min(this.workers.length, Math.floor(count / MIN_SLOTS_PER_WORKER)),
    );
    const share = Math.ceil(count / parts);
    const answers = await Promise.all(
      this.workers.slice(0, parts).map((worker, i) =>
        worker.scan({
          column: request.column,
          from: i * share,
          to: Math.min(count, (i + 1) * share),
          query: request.query,
          limit,
          skipSlot: request.skipSlot,
          mask: request.mask,
        }),
      ),
    );
    if (answers.length === 1) return answers[0]!;
    return answers
      .flat()
      .sort((a, b) => b.score - a.score)
      .slice(0, limit);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}
