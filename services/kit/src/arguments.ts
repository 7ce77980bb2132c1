import { EVENT_LIMITS } from './contract/user-event.js';
import { BadUserInputError, TailorError } from './errors.js';

/**
 * A query argument the client got wrong, raised by domain code that knows nothing of GraphQL;
 * `argument` names it as the client wrote it (`first`, `context.diversity`). Never retriable:
 * the same arguments fail the same way. {@link clientErrors} turns it into BAD_USER_INPUT with
 * `argument` as the `field`.
 */
export class ArgumentError extends TailorError {
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(message, { retriable: false });
  }
}

/** Checks a `first` argument (a list length) against 1..max and returns it. */
export function checkFirst(first: number, max: number): number {
  if (!Number.isInteger(first) || first < 1 || first > max) {
    throw new ArgumentError('first', `first must be a whole number from 1 to ${max}, got ${first}`);
  }
  return first;
}

/**
 * Checks an id argument against the event contract's bound, 1 to
 * {@link EVENT_LIMITS.idMaxLength} characters, since every id a service is asked about came in
 * through an event or a catalog write with that bound. Returns it as given: a caller that
 * trims does so first.
 */
export function checkId(value: string, argument: string): string {
  if (value.length === 0 || value.length > EVENT_LIMITS.idMaxLength) {
    throw new ArgumentError(
      argument,
      `${argument} must be 1 to ${EVENT_LIMITS.idMaxLength} characters, got ${value.length}`,
    );
  }
  return value;
}

function rethrowForClient(err: unknown): never {
  if (err instanceof ArgumentError) throw new BadUserInputError(err.message, err.argument);
  throw err;
}

/**
 * Runs a resolver's work and turns an {@link ArgumentError} it throws, or its promise rejects
 * with, into BAD_USER_INPUT naming the argument; every other error passes unchanged.
 */
export function clientErrors<T>(run: () => T): T {
  let result: T;
  try {
    result = run();
  } catch (err) {
    rethrowForClient(err);
  }
  return result instanceof Promise ? (result.catch(rethrowForClient) as T) : result;
}
