import {
  Field,
  Float,
  GraphQLISODateTime,
  ID,
  Int,
  ObjectType,
  registerEnumType,
} from 'type-graphql';

@ObjectType({
  description:
    'The collaborative model in service: item factors learnt from what users did together (implicit ALS), which recommendations blend in.',
})
export class CollaborativeModel {
  @Field({
    description:
      'Changes with every training; a recommendation list names the version it was scored with.',
  })
  version!: string;

  @Field(() => GraphQLISODateTime, { description: 'When the training finished.' })
  trainedAt!: Date;

  @Field(() => Int, { description: 'Items that have factors in this model.' })
  items!: number;

  @Field(() => Int, { description: 'Length of every factor vector (CF_DIMENSION).' })
  dimension!: number;

  @Field(() => Float, { description: 'Weighted training loss after the last epoch.' })
  loss!: number;
}

export enum TrainingState {
  RUNNING = 'running',
  PUBLISHED = 'published',
  NOTHING_TO_TRAIN = 'nothing_to_train',
  FAILED = 'failed',
}

registerEnumType(TrainingState, {
  name: 'TrainingState',
  description: 'Where a training of the collaborative model is.',
  valuesConfig: {
    RUNNING: { description: 'Reading interactions, fitting factors or publishing them.' },
    PUBLISHED: { description: 'Done: its model is in service (until a newer one is).' },
    NOTHING_TO_TRAIN: { description: 'Done: no interactions were recorded, so no model.' },
    FAILED: {
      description: 'Stopped by an error, logged by the trainer; the model in service stays.',
    },
  },
});

@ObjectType({
  description:
    'One training of the collaborative model: started on demand (retrainModel), on the schedule, on start or on the first data.',
})
export class ModelTraining {
  @Field(() => ID, { description: 'Names this training for modelTraining(id).' })
  id!: string;

  @Field({
    description: 'Why it ran: retrainModel, schedule, start (no model yet) or first data.',
  })
  reason!: string;

  @Field(() => TrainingState, { description: 'Where it is; poll until it is not RUNNING.' })
  state!: TrainingState;

  @Field(() => GraphQLISODateTime, { description: 'When it was asked for.' })
  startedAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Null while it runs.' })
  finishedAt!: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Users whose interactions it read; null until they are read.',
  })
  users!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'User-item pairs it read; null until they are read.',
  })
  interactions!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Wall time from reading interactions to publishing, in milliseconds; null until published.',
  })
  durationMs!: number | null;

  @Field(() => CollaborativeModel, {
    nullable: true,
    description: 'The model it published; null unless the state is PUBLISHED.',
  })
  model!: CollaborativeModel | null;
}
