// The trainer service's public face: what the mesh, the tests and the tools import.
// reflect-metadata comes first: the resolver classes behind these modules are decorated as they
// load.
import 'reflect-metadata';

export {
  DEFAULT_TRAINING,
  TRAINER_GROUP_ID,
  type TrainerConfig,
  trainerEnvShape,
  trainingSettings,
} from './config.js';
export type { TrainerDeps } from './deps.js';
export {
  foldInUser,
  type IndexedPair,
  type InteractionMatrix,
  interactionMatrix,
  type TrainedFactors,
  trainFactors,
  type TrainingSettings,
  weightedLoss,
} from './domain/ials.js';
export {
  INTERACTION_LIMITS,
  recordInteraction,
  trainingData,
  type UserInteractions,
} from './domain/interactions.js';
export { InteractionStore } from './interaction-store.js';
export { createTrainerMetrics, type TrainerMetrics } from './metrics.js';
export { type RunningTrainer, startTrainer } from './subgraph.js';
export {
  type TrainedModel,
  TrainerService,
  type TrainerServiceOptions,
  type TrainingRun,
  TRAININGS_KEPT,
  type TrainingState,
} from './trainer.service.js';
export { type TrainingEngine, trainInWorker } from './training/train-in-worker.js';
