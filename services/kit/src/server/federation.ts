import 'reflect-metadata';

import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import { gql } from 'graphql-tag';
import { buildSchema, type BuildSchemaOptions, createResolversMap } from 'type-graphql';

/** The Federation 2 directives a Tailor subgraph may use. */
const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible"])';

/**
 * Descriptions of the root types. type-graphql cannot describe them, and every subgraph must
 * give the same text, or composition reports the difference.
 */
const ROOT_DESCRIPTIONS: Record<string, string> = {
  Query: 'What a client can read: items, users with their profiles and recommendations, and more.',
  Mutation: 'What a client can change: the events it records, items, and users it forgets.',
};

/** The SDL with a description on each root type. */
function describeRootTypes(sdl: string): string {
  return sdl.replace(/^type (Query|Mutation)\b/gm, (line: string, name: string) => {
    const description = ROOT_DESCRIPTIONS[name];
    return description === undefined ? line : `"""${description}"""\n${line}`;
  });
}

/** Reference resolvers by type name, e.g. `{ Item: { __resolveReference } }`. */
export type ReferenceResolvers = Record<
  string,
  { __resolveReference: (reference: never, context: never, info: never) => unknown }
>;

/**
 * Builds a Federation 2 subgraph schema from type-graphql classes. type-graphql knows nothing
 * of federation, so its schema is printed with directives and rebuilt by `@apollo/subgraph`.
 */
export async function buildFederatedSchema(
  options: Omit<BuildSchemaOptions, 'skipCheck'>,
  referenceResolvers: ReferenceResolvers = {},
): Promise<GraphQLSchema> {
  const schema = await buildSchema({ ...options, skipCheck: true, validate: false });
  const resolvers = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  for (const [typeName, reference] of Object.entries(referenceResolvers)) {
    resolvers[typeName] = { ...(resolvers[typeName] ?? {}), ...reference };
  }
  return buildSubgraphSchema([
    {
      typeDefs: gql`
        ${FEDERATION_LINK}
        ${describeRootTypes(printSchemaWithDirectives(schema))}
      `,
      resolvers: resolvers as GraphQLResolverMap<unknown>,
    },
  ]);
}
