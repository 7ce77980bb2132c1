import { Counter, Gauge, Histogram } from '@tailor/kit';

/** The trainer's metrics; registered on its server's registry at start. */
export interface TrainerMetrics {
  trainingSeconds: Histogram;
  loss: Gauge;
  /** 1 on the series labelled with the model in service. */
  model: Gauge<'version'>;
  recorded: Counter;
}

export function createTrainerMetrics(): TrainerMetrics {
  return {
    trainingSeconds: new Histogram({
      name: 'tailor_trainer_training_seconds',
      help: 'Wall time of one training, from reading interactions to publishing the model.',
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers: [],
    }),
    loss: new Gauge({
      name: 'tailor_trainer_loss',
      help: 'Weighted loss of the model in service after its last epoch.',
      registers: [],
    }),
    model: new Gauge({
      name: 'tailor_trainer_model_info',
      help: 'The collaborative model in service (1 on its version).',
      labelNames: ['version'] as const,
      registers: [],
    }),
    recorded: new Counter({
      name: 'tailor_trainer_interactions_recorded_total',
      help: 'Weighted events recorded into the trainer store (redeliveries not counted).',
      registers: [],
    }),
  };
}
