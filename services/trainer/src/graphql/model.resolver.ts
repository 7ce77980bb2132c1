import 'reflect-metadata';

import { authorizeService, type ModelPayload, type RequestContext } from '@tailor/kit';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';

import {
  type TrainedModel,
  type TrainerService,
  type TrainingRun,
  TRAININGS_KEPT,
} from '../trainer.service.js';
import { CollaborativeModel, ModelTraining, TrainingState } from './model.type.js';

function modelOf(model: ModelPayload | TrainedModel): CollaborativeModel {
  return {
    version: model.modelVersion,
    trainedAt: new Date(model.trainedAt),
    items: model.items,
    dimension: model.dimension,
    loss: model.loss,
  };
}

@Resolver(() => CollaborativeModel)
export class ModelResolver {
  constructor(private readonly trainer: TrainerService) {}

  @Query(() => CollaborativeModel, {
    nullable: true,
    description: 'The collaborative model in service; null before the first training.',
  })
  async collaborativeModel(): Promise<CollaborativeModel | null> {
    const model = await this.trainer.published();
    return model === undefined ? null : modelOf(model);
  }

  @Mutation(() => ModelTraining, {
    description:
      'Starts a training of the collaborative model on every interaction recorded, or joins the one running, and answers at once: training takes longer than a request may wait. Poll modelTraining(id) until it is not RUNNING; profiles then re-fold their users onto the model in the background. Service tokens only.',
  })
  retrainModel(@Ctx() context: RequestContext): ModelTraining {
    authorizeService(context.viewer, 'retrain the model');
    return this.trainingOf(this.trainer.start('retrainModel'));
  }

  @Query(() => ModelTraining, {
    nullable: true,
    description: `A training by the id retrainModel gave: running, or among the last ${TRAININGS_KEPT} the trainer ran since it started; null for any other id. Service tokens only.`,
  })
  modelTraining(
    @Ctx() context: RequestContext,
    @Arg('id', () => ID, { description: 'ModelTraining.id.' }) id: string,
  ): ModelTraining | null {
    authorizeService(context.viewer, 'read a training');
    const run = this.trainer.training(id);
    return run === undefined ? null : this.trainingOf(run);
  }

  private trainingOf(run: TrainingRun): ModelTraining {
    const model = run.model;
    return {
      id: run.id,
      reason: run.reason,
      state: run.state as TrainingState,
      startedAt: new Date(run.startedAt),
      finishedAt: run.finishedAt === undefined ? null : new Date(run.finishedAt),
      users: run.users ?? null,
      interactions: run.interactions ?? null,
      durationMs: model?.durationMs ?? null,
      model: model === undefined ? null : modelOf(model),
    };
  }
}
