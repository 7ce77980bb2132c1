import { readFileSync } from 'node:fs';
import path from 'node:path';

import { waitFor } from '@tailor/kit/testing';
import { DEMO_USERS } from '@tailor/mesh';
import { type ASTNode, type FieldNode, Kind, parse, print, visit } from 'graphql';

import { postGraphql } from '../lib/graphql.js';
import { REPO_ROOT } from '../lib/paths.js';

/** Fields of a recommendation the generation subgraph writes. */
export const GENERATION_FIELDS: ReadonlySet<string> = new Set(['description', 'ad', 'thumbnail']);

/** The checked-in Home operation, the one every frontend starts with. */
export function homeOperation(): string {
  return readFileSync(path.join(REPO_ROOT, 'graph', 'operations', 'Home.graphql'), 'utf8');
}

/** Waits for the steady state a Home load measures: every demo user's history personalized. */
export async function demoUsersPersonalized(gatewayUrl: string): Promise<void> {
  await waitFor(
    async () => {
      for (const { id } of DEMO_USERS) {
        const data = await postGraphql<{ user: { recommendations: { strategy: string } } }>(
          gatewayUrl,
          'query($userId: ID!) { user(id: $userId) { recommendations(first: 1) { strategy } } }',
          { userId: id },
        );
        if (data.user.recommendations.strategy !== 'PERSONALIZED') return false;
      }
      return true;
    },
    { timeoutMs: 60_000, intervalMs: 200, description: 'the demo users personalized' },
  );
}

function isField(node: ASTNode | readonly ASTNode[]): node is FieldNode {
  return !Array.isArray(node) && (node as ASTNode).kind === Kind.FIELD;
}

/**
 * The same operation without what generation writes: every `description`, `ad` and `thumbnail`
 * selected on a recommendation (inside `recommendations.items`), so the rest of the query, and
 * so the rest of the query plan, stays as it is.
 */
export function withoutGeneration(operation: string): string {
  const document = visit(parse(operation), {
    Field(node, _key, _parent, _path, ancestors) {
      if (!GENERATION_FIELDS.has(node.name.value)) return undefined;
      const fields = ancestors.filter(isField).map((field) => field.name.value);
      return fields.at(-1) === 'items' && fields.at(-2) === 'recommendations' ? null : undefined;
    },
  });
  return print(document);
}
