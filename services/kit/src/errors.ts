import { GraphQLError } from 'graphql';

/** Options of {@link TailorError}. */
export interface TailorErrorOptions {
  /** True when the same call may succeed later (a store that is down), false for bad input. */
  retriable: boolean;
  cause?: unknown;
}

/**
 * Base of errors raised by domain code and adapters. `retriable` lets consumers decide between
 * retrying with backoff and dead-lettering without parsing messages.
 */
export class TailorError extends Error {
  readonly retriable: boolean;

  constructor(message: string, options: TailorErrorOptions) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable;
  }
}

/**
 * Raised by a store asked to ensure a collection that exists with another layout (a vector of
 * another size or distance, or missing). Names the vector so the caller can say which setting
 * made the difference; never worth retrying, the collection has to be made anew.
 */
export class CollectionLayoutError extends TailorError {
  constructor(
    message: string,
    readonly collection: string,
    readonly vector: string,
  ) {
    super(message, { retriable: false });
  }
}

/** True when `err` says it may succeed on retry; unknown errors are assumed transient. */
export function isRetriable(err: unknown): boolean {
  if (err instanceof TailorError) return err.retriable;
  if (typeof err === 'object' && err !== null && 'retriable' in err) {
    return Boolean((err as { retriable: unknown }).retriable);
  }
  return true;
}

/** Codes a client may see in `errors[].extensions.code`. */
export type ClientErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE';

/** A client-facing error with a literal code, so clients can branch on it. */
export class ClientError extends GraphQLError {
  constructor(code: ClientErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

export class BadUserInputError extends ClientError {
  constructor(message: string, field?: string) {
    super('BAD_USER_INPUT', message, field === undefined ? {} : { field });
  }
}

export class NotFoundError extends ClientError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

/** The caller is not known: no valid token, or no identity reached the subgraph. */
export class UnauthenticatedError extends ClientError {
  constructor(message: string) {
    super('UNAUTHENTICATED', message);
  }
}

/** The caller is known but may not do this (a user acting on another user, say). */
export class ForbiddenError extends ClientError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}
