import 'reflect-metadata';

import { Directive, Field, ID, ObjectType } from 'type-graphql';

@ObjectType('User', { description: 'A person whose behaviour Tailor learns from.' })
@Directive('@key(fields: "id")')
export class User {
  @Field(() => ID, { description: 'The id events carry as userId.' })
  id!: string;
}
