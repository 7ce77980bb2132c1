// A minimal GraphQL client: POST to the gateway's /graphql, as any frontend would.

/** One error of a GraphQL answer. */
interface GraphQLErrorEntry {
  message: string;
  extensions?: { code?: string };
}

/** A failed operation, with the codes the gateway or a subgraph gave. */
export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly codes: readonly string[],
  ) {
    super(message);
    this.name = 'GraphQLRequestError';
  }
}

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** The gateway's GraphQL endpoint. */
  endpoint: URL;
  /** A bearer token for a gateway that checks JWTs; read on every request, never stored. */
  token: () => string;
}

export type Execute = <T>(query: string, variables: Record<string, unknown>) => Promise<T>;

export function createClient(options: ClientOptions): Execute {
  return async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const token = options.token().trim();
    if (token !== '') headers.authorization = `Bearer ${token}`;
    const response = await fetch(options.endpoint, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json().catch(() => ({}))) as {
      data?: T;
      errors?: GraphQLErrorEntry[];
    };
    if (body.errors !== undefined && body.errors.length > 0) {
      throw new GraphQLRequestError(
        body.errors.map((e) => e.message).join('; '),
        body.errors.flatMap((e) => (e.extensions?.code === undefined ? [] : [e.extensions.code])),
      );
    }
    if (!response.ok || body.data === undefined) {
      throw new GraphQLRequestError(`the gateway answered HTTP ${response.status}`, []);
    }
    return body.data;
  };
}
