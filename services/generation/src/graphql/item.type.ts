import 'reflect-metadata';

import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The catalog's item, as this subgraph knows it: by id, to write about it. */
@ObjectType('Item', { description: 'A product of the catalog.' })
@Directive('@key(fields: "id")')
export class Item {
  @Field(() => ID, { description: 'Catalog id, e.g. "electronics-001".' })
  id!: string;
}
