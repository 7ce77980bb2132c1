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
