import { cfEnvShape, env, eventWeightsEnv } from '@tailor/kit';
import { z } from 'zod';

import type { TrainingSettings } from './domain/ials.js';

/** The default consumer group of the trainer on `user-events`. */
export const TRAINER_GROUP_ID = 'trainer';

/**
 * Model defaults, chosen on a validation split of MovieLens history by
 * `npm run bench:tune` (see the README): never on the test set.
 */
export const DEFAULT_TRAINING = Object.freeze({
  epochs: 12,
  cgSteps: 3,
  alpha: 1,
  regularization: 20,
  unobservedWeight: 1,
  frequencyScaled: false,
  seed: 42,
});

export const trainerEnvShape = {
  ...cfEnvShape,
  TRAINER_PORT: env.port(4006),
  /** Consumer group on `user-events`; every trainer of one deployment shares it. */
  TRAINER_CONSUMER_GROUP: z
    .string()
    .regex(/^[\w.-]{1,200}$/, 'expected 1 to 200 letters, digits, dots, dashes or underscores')
    .default(TRAINER_GROUP_ID),
  /** Alternating least-squares sweeps per training. */
  TRAINER_EPOCHS: env.int(DEFAULT_TRAINING.epochs, 1, 200),
  /** Conjugate-gradient steps per row and sweep. */
  TRAINER_CG_STEPS: env.int(DEFAULT_TRAINING.cgSteps, 1, 64),
  /** Confidence of an observed pair: 1 + alpha × |summed event weight|. */
  TRAINER_ALPHA: env.positive(DEFAULT_TRAINING.alpha),
  /** L2 regularization λ (scaled per row by its size when frequency-scaled). */
  TRAINER_REGULARIZATION: env.positive(DEFAULT_TRAINING.regularization),
  /** Weight of an unobserved pair relative to an observed one. */
  TRAINER_UNOBSERVED_WEIGHT: env.positive(DEFAULT_TRAINING.unobservedWeight),
  /** Scale λ by each row's observed count plus the unobserved weight of the other side. */
  TRAINER_FREQUENCY_SCALED: env.bool(DEFAULT_TRAINING.frequencyScaled),
  /** Seeds the initial factors, so two trainings of the same data agree. */
  TRAINER_SEED: env.int(DEFAULT_TRAINING.seed, 0, 2 ** 31 - 1),
  /** Minutes between scheduled trainings; 0 trains only on start and on demand. */
  TRAINER_INTERVAL_MINUTES: env.int(60, 0, 10_080),
  PROFILE_EVENT_WEIGHTS: eventWeightsEnv(),
};

export type TrainerConfig = Readonly<z.output<z.ZodObject<typeof trainerEnvShape>>>;

export function trainingSettings(config: TrainerConfig): TrainingSettings {
  return {
    dimension: config.CF_DIMENSION,
    epochs: config.TRAINER_EPOCHS,
    cgSteps: config.TRAINER_CG_STEPS,
    alpha: config.TRAINER_ALPHA,
    regularization: config.TRAINER_REGULARIZATION,
    unobservedWeight: config.TRAINER_UNOBSERVED_WEIGHT,
    frequencyScaled: config.TRAINER_FREQUENCY_SCALED,
    seed: config.TRAINER_SEED,
  };
}
