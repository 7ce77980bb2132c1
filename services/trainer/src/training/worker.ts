import { parentPort, workerData } from 'node:worker_threads';

import { type InteractionMatrix, trainFactors, type TrainingSettings } from '../domain/ials.js';

/** What {@link trainInWorker} hands the worker. */
export interface TrainingJob {
  matrix: InteractionMatrix;
  settings: TrainingSettings;
}

/** What the worker says: each epoch's loss, then the factors, or why there are none. */
export type TrainingMessage =
  | { kind: 'epoch'; epoch: number; loss: number }
  | {
      kind: 'done';
      userFactors: Float64Array;
      itemFactors: Float64Array;
      gram: Float64Array;
      losses: number[];
    }
  | { kind: 'failed'; message: string };

const port = parentPort;
if (port === null) throw new Error('the training worker runs only as a worker thread');
const { matrix, settings } = workerData as TrainingJob;
try {
  const model = trainFactors(matrix, settings, (epoch, loss) =>
    port.postMessage({ kind: 'epoch', epoch, loss } satisfies TrainingMessage),
  );
  const done: TrainingMessage = { kind: 'done', ...model };
  // Moved, not copied: at 10M interactions the factors are hundreds of megabytes.
  port.postMessage(done, [
    model.userFactors.buffer,
    model.itemFactors.buffer,
    model.gram.buffer,
  ] as ArrayBuffer[]);
} catch (err) {
  port.postMessage({
    kind: 'failed',
    message: err instanceof Error ? err.message : String(err),
  } satisfies TrainingMessage);
}
