import { GraphQLError } from 'graphql';

/**
 * The service cannot do its work right now (the bus is down); the same call may succeed later.
 * Kept here because kit's `ClientErrorCode` union has no `SERVICE_UNAVAILABLE` yet.
 */
export class ServiceUnavailableError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: 'SERVICE_UNAVAILABLE' } });
  }
}

/**
 * The profile updater is too far behind: the batch was refused whole and should be sent again
 * after `retryAfterSeconds`, the same code and hint the gateway gives when it sheds load.
 */
export class OverloadedError extends GraphQLError {
  constructor(message: string, retryAfterSeconds: number) {
    super(message, { extensions: { code: 'OVERLOADED', retryAfterSeconds } });
  }
}
