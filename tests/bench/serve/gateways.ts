import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import http from '@graphql-mesh/transport-http';
import { supergraphAt } from '@tailor/graph';

/**
 * Other gateways over the same supergraph and the same subgraphs as the mesh's own, started in
 * the mesh's process (the mesh's gateway shares its event loop with the subgraphs, so these do
 * too): bare Apollo Gateway (Apollo Server with none of Tailor's edge limits, auth, admission or
 * header plugins), Hive Gateway, and Hive Gateway with the Hive Router query planner. They are
 * for measuring only: none of them checks tokens, limits or ids the way the mesh's gateway does.
 */

/** The gateways compared beside the mesh's own, by the name the results use. */
export const ALTERNATIVE_GATEWAYS = ['apollo-bare', 'hive', 'hive-router'] as const;
export type AlternativeGateway = (typeof ALTERNATIVE_GATEWAYS)[number];

export interface RunningAlternatives {
  urls: Record<AlternativeGateway, string>;
  close(): Promise<void>;
}

/** Relative difference two numbers of the same answer may have, asked a moment apart. */
const NUMBER_TOLERANCE = 1e-4;

/**
 * Where two answers of the same query differ (a JSON path and both values), or undefined when
 * they are the same: field order counts; the served list's id is new on every request and is
 * not compared; numbers may differ by {@link NUMBER_TOLERANCE} relatively, since the profile's
 * weights and the scores are decayed to the moment each answer was made.
 */
export function answerDifference(a: unknown, b: unknown, at = '$'): string | undefined {
  const differ = () => `${at}: ${JSON.stringify(a)} against ${JSON.stringify(b)}`;
  if (typeof a === 'number' && typeof b === 'number') {
    const scale = Math.max(Math.abs(a), Math.abs(b), Number.MIN_VALUE);
    return Math.abs(a - b) / scale <= NUMBER_TOLERANCE ? undefined : differ();
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return differ();
    for (let i = 0; i < a.length; i++) {
      const inner = answerDifference(a[i], b[i], `${at}[${i}]`);
      if (inner !== undefined) return inner;
    }
    return undefined;
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    if (Array.isArray(a) || Array.isArray(b)) return differ();
    const keysA = Object.keys(a);
    const keysB = Object.keys(b);
    if (keysA.join(',') !== keysB.join(',')) return `${at}: fields ${keysA} against ${keysB}`;
    for (const key of keysA) {
      if (key === 'recommendationId') continue;
      const inner = answerDifference(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        `${at}.${key}`,
      );
      if (inner !== undefined) return inner;
    }
    return undefined;
  }
  return a === b ? undefined : differ();
}

async function listenOn(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Starts the three alternatives on free loopback ports. */
export async function startAlternativeGateways(
  supergraphSdl: string,
  subgraphUrls: Record<string, string>,
): Promise<RunningAlternatives> {
  const supergraph = supergraphAt(supergraphSdl, subgraphUrls);
  const apollo = new ApolloServer({
    gateway: new ApolloGateway({ supergraphSdl: supergraph }),
    includeStacktraceInErrorResponses: false,
  });
  const { url: apolloUrl } = await startStandaloneServer(apollo, {
    listen: { host: '127.0.0.1', port: 0 },
  });
  const hives = (['hive', 'hive-router'] as const).map((name) => {
    const runtime = createGatewayRuntime({
      supergraph,
      // Given, not imported on first use: pnpm keeps it out of the runtime's own reach.
      transports: { http },
      logging: false,
      landingPage: false,
      graphiql: false,
      maskedErrors: false,
      ...(name === 'hive-router' ? { unifiedGraphHandler } : {}),
    });
    return { name, runtime, server: createServer(runtime) };
  });
  const hiveUrls = await Promise.all(hives.map(({ server }) => listenOn(server)));
  return {
    urls: {
      'apollo-bare': new URL('/graphql', apolloUrl).toString(),
      hive: hiveUrls[0]!,
      'hive-router': hiveUrls[1]!,
    },
    close: async () => {
      await apollo.stop();
      for (const { runtime, server } of hives) {
        await closeServer(server);
        await runtime[Symbol.asyncDispose]();
      }
    },
  };
}
