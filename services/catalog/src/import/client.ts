import type { ItemInputError } from '../domain/batch.js';
import type { ItemFields } from '../domain/item.js';

const UPSERT_ITEMS = `mutation ImportItems($items: [ItemInput!]!) {
  upsertItems(items: $items) { upserted errors { index itemId field message } }
}`;

/** What `upsertItems` answered for one batch. */
export interface UpsertReply {
  upserted: number;
  errors: ItemInputError[];
}

/** A batch could not be sent or was refused as a whole; nothing of it is known to be stored. */
export class ImportRequestError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImportRequestError';
  }
}

/** Options of {@link sendUpsertItems}. */
export interface SendOptions {
  /** GraphQL endpoint of the catalog subgraph or the gateway. */
  url: string;
  /** Extra request headers, e.g. authorization for the gateway. */
  headers?: Readonly<Record<string, string>>;
}

interface GraphQLReply {
  data?: { upsertItems?: UpsertReply } | null;
  errors?: { message: string; extensions?: { code?: string } }[];
  /** The shape of the kit's HTTP-level refusals (body too large, not JSON). */
  error?: { code?: string; message?: string };
}

/** Sends one batch with `upsertItems` and returns the per-item outcome. */
export async function sendUpsertItems(
  items: readonly ItemFields[],
  options: SendOptions,
): Promise<UpsertReply> {
  let response: Response;
  try {
    response = await fetch(options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...options.headers,
      },
      body: JSON.stringify({ query: UPSERT_ITEMS, variables: { items } }),
    });
  } catch (err) {
    throw new ImportRequestError(`could not reach ${options.url}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const text = await response.text();
  let reply: GraphQLReply;
  try {
    reply = JSON.parse(text) as GraphQLReply;
  } catch {
    throw new ImportRequestError(
      `HTTP ${response.status} from ${options.url}: ${text.slice(0, 300)}`,
    );
  }
  const [error] = reply.errors ?? [];
  if (error !== undefined) {
    const code = error.extensions?.code;
    throw new ImportRequestError(`${code === undefined ? '' : `${code}: `}${error.message}`);
  }
  const result = reply.data?.upsertItems;
  if (!response.ok || result === undefined) {
    if (reply.error?.message !== undefined) {
      throw new ImportRequestError(
        `HTTP ${response.status} ${reply.error.code ?? ''}: ${reply.error.message}`,
      );
    }
    throw new ImportRequestError(
      `HTTP ${response.status} from ${options.url} without an upsertItems result`,
    );
  }
  return result;
}
