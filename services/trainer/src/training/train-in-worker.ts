import { Worker } from 'node:worker_threads';

import type { InteractionMatrix, TrainedFactors, TrainingSettings } from '../domain/ials.js';
import type { TrainingJob, TrainingMessage } from './worker.js';

/** Fits the factor model; the trainer service takes any function of this shape. */
export type TrainingEngine = (
  matrix: InteractionMatrix,
  settings: TrainingSettings,
  onEpoch?: (epoch: number, loss: number) => void,
) => Promise<TrainedFactors>;

/**
 * The default engine: `trainFactors` in a worker thread of its own. A training is seconds of
 * arithmetic at MovieLens scale and minutes at millions of interactions; on the event loop it
 * would stall every request of the process, and in `npm start` that is the whole mesh.
 */
export const trainInWorker: TrainingEngine = (matrix, settings, onEpoch) =>
  new Promise<TrainedFactors>((resolve, reject) => {
    const job: TrainingJob = { matrix, settings };
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: job });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    worker.on('message', (message: TrainingMessage) => {
      if (message.kind === 'epoch') onEpoch?.(message.epoch, message.loss);
      else if (message.kind === 'failed') {
        settle(() => reject(new Error(`training failed: ${message.message}`)));
      } else {
        const { userFactors, itemFactors, gram, losses } = message;
        settle(() => resolve({ userFactors, itemFactors, gram, losses }));
      }
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) =>
      settle(() => reject(new Error(`the training worker exited with code ${code}`))),
    );
  });
