import { GraphQLDateTime } from 'graphql-scalars';
import { Field, Float, Int, ObjectType } from 'type-graphql';

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

  @Field(() => GraphQLDateTime, { description: 'When the training finished.' })
  trainedAt!: Date;

  @Field(() => Int, { description: 'Items that have factors in this model.' })
  items!: number;

  @Field(() => Int, { description: 'Length of every factor vector (CF_DIMENSION).' })
  dimension!: number;

  @Field(() => Float, { description: 'Weighted training loss after the last epoch.' })
  loss!: number;
}

@ObjectType({ description: 'What a training on demand came to.' })
export class RetrainModelResult {
  @Field(() => CollaborativeModel, {
    nullable: true,
    description: 'The model now in service; null when nothing has been recorded to train on.',
  })
  model!: CollaborativeModel | null;

  @Field(() => Int, { description: 'Users whose interactions the training read.' })
  users!: number;

  @Field(() => Int, { description: 'User-item pairs the training read.' })
  interactions!: number;

  @Field(() => Float, { description: 'Wall time of the training, in milliseconds.' })
  durationMs!: number;
}
