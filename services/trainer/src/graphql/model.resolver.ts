import 'reflect-metadata';

import { authorizeService, type RequestContext } from '@tailor/kit';
import { Ctx, Mutation, Query, Resolver } from 'type-graphql';

import type { TrainerService } from '../trainer.service.js';
import { CollaborativeModel, RetrainModelResult } from './model.type.js';

@Resolver(() => CollaborativeModel)
export class ModelResolver {
  constructor(private readonly trainer: TrainerService) {}

  @Query(() => CollaborativeModel, {
    nullable: true,
    description: 'The collaborative model in service; null before the first training.',
  })
  async collaborativeModel(): Promise<CollaborativeModel | null> {
    const model = await this.trainer.published();
    return model === undefined
      ? null
      : {
          version: model.modelVersion,
          trainedAt: new Date(model.trainedAt),
          items: model.items,
          dimension: model.dimension,
          loss: model.loss,
        };
  }

  @Mutation(() => RetrainModelResult, {
    description:
      'Trains the collaborative model now on every interaction recorded and publishes it; profiles re-fold their users against it in the background. Service tokens only. A call while a training runs waits for that training.',
  })
  async retrainModel(@Ctx() context: RequestContext): Promise<RetrainModelResult> {
    authorizeService(context.viewer, 'retrain the model');
    const trained = await this.trainer.train('retrainModel');
    return {
      model: (await this.collaborativeModel()) ?? null,
      users: trained?.users ?? 0,
      interactions: trained?.interactions ?? 0,
      durationMs: trained?.durationMs ?? 0,
    };
  }
}
