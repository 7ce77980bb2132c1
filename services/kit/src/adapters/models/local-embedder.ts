import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import type { Logger } from '../../logger.js';
import type { Embedder } from '../../ports/embedder.js';
import type { EmbedReply, EmbedRequest, MiniLmWorkerData } from './minilm-worker.js';

/** Options of {@link createLocalEmbedder}. */
export interface LocalEmbedderOptions {
  /** Directory holding `model.onnx` and `tokenizer.json` (infra/models/fetch-minilm.sh). */
  modelDir: string;
  /** Texts per model run; larger batches are faster per text and hold more memory. */
  batchSize: number;
  /** ONNX Runtime intra-op threads of the worker. */
  threads: number;
  logger: Logger;
}

/** all-MiniLM-L6-v2's output width: the dimension of every vector it makes. */
export const MINILM_DIMENSION = 384;
/** Tokens kept of each text; sentence-transformers truncates this model at 256 too. */
export const MINILM_MAX_TOKENS = 256;
export const MINILM_MODEL = 'all-MiniLM-L6-v2-int8';

/** Raised when the model directory lacks a file; names the setting and how to fill it. */
export class ModelFilesMissingError extends Error {
  constructor(readonly missing: readonly string[]) {
    super(
      `EMBEDDER_MODEL_DIR: ${missing.join(', ')} not found; ` +
        'run infra/models/fetch-minilm.sh (or point EMBEDDER_MODEL_DIR at its directory)',
    );
    this.name = 'ModelFilesMissingError';
  }
}

/** Returns the model files missing from `modelDir` (none when it is ready). */
export function missingModelFiles(modelDir: string): string[] {
  return ['model.onnx', 'tokenizer.json']
    .map((file) => path.join(modelDir, file))
    .filter((file) => !existsSync(file));
}

/**
 * A sentence embedder running all-MiniLM-L6-v2 (int8 ONNX) from local files with
 * @huggingface/transformers on onnxruntime-node. The model runs in a worker thread started on
 * the first call, so embedding never blocks the event loop and processes that only need the
 * dimension never load it. Texts go in batches of `batchSize`; vectors are mean-pooled and
 * L2-normalized, 384-d.
 */
export function createLocalEmbedder(options: LocalEmbedderOptions): Embedder {
  const modelDir = path.resolve(options.modelDir);
  const missing = missingModelFiles(modelDir);
  if (missing.length > 0) throw new ModelFilesMissingError(missing);
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new RangeError(`batchSize must be a whole number ≥ 1, got ${options.batchSize}`);
  }
  const log = options.logger.child({ component: 'local-embedder' });
  let worker: Worker | undefined;
  let nextId = 0;
  let closed = false;
  const pending = new Map<
    number,
    { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }
  >();

  const failAll = (err: Error) => {
    for (const { reject } of pending.values()) reject(err);
    pending.clear();
    worker = undefined;
  };

  const start = (): Worker => {
    const data: MiniLmWorkerData = {
      modelDir,
      threads: options.threads,
      maxTokens: MINILM_MAX_TOKENS,
    };
    const w = new Worker(new URL('./minilm-worker.js', import.meta.url), { workerData: data });
    w.on('message', (reply: EmbedReply) => {
      const waiter = pending.get(reply.id);
      if (waiter === undefined) return;
      pending.delete(reply.id);
      if ('error' in reply) {
        waiter.reject(new Error(`local embedder: ${reply.error}`));
        return;
      }
      if (reply.dimension !== MINILM_DIMENSION) {
        waiter.reject(
          new Error(
            `local embedder: the model in EMBEDDER_MODEL_DIR gives ${reply.dimension}-d vectors, not ${MINILM_DIMENSION}`,
          ),
        );
        return;
      }
      const rows: Float32Array[] = [];
      for (let i = 0; i < reply.vectors.length; i += reply.dimension) {
        rows.push(reply.vectors.slice(i, i + reply.dimension));
      }
      waiter.resolve(rows);
    });
    w.on('error', (err) => {
      log.error({ err }, 'embedding worker failed');
      failAll(new Error(`local embedder: worker failed: ${err.message}`));
    });
    w.on('exit', (code) => {
      if (!closed) failAll(new Error(`local embedder: worker exited with code ${code}`));
    });
    // An idle worker must not keep the process alive; a waiting call keeps it referenced.
    w.unref();
    log.info({ modelDir, threads: options.threads }, 'embedding worker started');
    return w;
  };

  const run = (texts: string[]): Promise<Float32Array[]> => {
    if (closed) return Promise.reject(new Error('local embedder is closed'));
    worker ??= start();
    const id = nextId++;
    const request: EmbedRequest = { id, texts };
    const w = worker;
    w.ref();
    return new Promise<Float32Array[]>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      w.postMessage(request);
    }).finally(() => {
      if (pending.size === 0) w.unref();
    });
  };

  return {
    model: MINILM_MODEL,
    dimension: MINILM_DIMENSION,
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += options.batchSize) {
        out.push(...(await run(texts.slice(i, i + options.batchSize))));
      }
      return out;
    },
    async close() {
      closed = true;
      const w = worker;
      worker = undefined;
      failAll(new Error('local embedder is closed'));
      await w?.terminate();
    },
  };
}
