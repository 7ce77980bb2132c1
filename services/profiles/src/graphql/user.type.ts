import 'reflect-metadata';

import { Directive, Field, ID, ObjectType } from 'type-graphql';

// The descriptions match the recommender's `User`: composition flags any difference.
@ObjectType('User', { description: 'A person whose behaviour Tailor learns from.' })
@Directive('@key(fields: "id")')
export class User {
  @Field(() => ID, { description: 'The id events carry as userId.' })
  id!: string;
}

@ObjectType('ForgetUserResult', { description: 'What forgetting a user came to.' })
export class ForgetUserResult {
  @Field(() => ID, { description: 'The user forgotten.' })
  userId!: string;

  @Field(() => Boolean, {
    description: 'True when something was held for the user and has been erased.',
  })
  forgotten!: boolean;
}
