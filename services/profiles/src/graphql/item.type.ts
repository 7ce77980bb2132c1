import 'reflect-metadata';

import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The catalog's item, by id only: the gateway fetches its facts from the catalog. */
@ObjectType('Item', { description: 'A product of the catalog.' })
@Directive('@key(fields: "id", resolvable: false)')
export class Item {
  @Field(() => ID, { description: 'Catalog id, e.g. "electronics-001".' })
  id!: string;
}
