import { EVENT_LIMITS } from '@tailor/kit';

/** Every limit a producer must respect, in one place so clients can read them. */
export interface IntakeLimits {
  /** Most events in one batch (GraphQL list or REST body). */
  maxBatchSize: number;
  /** Largest request body in bytes. */
  maxBodyBytes: number;
  /** Longest eventId, userId or itemId, in characters. */
  maxIdLength: number;
  /** Most entries in an event's context map. */
  maxContextEntries: number;
  /** Longest context value, in characters. */
  maxContextValueLength: number;
}

/** The service's configured limits joined with the contract's. */
export function intakeLimits(config: {
  EVENTS_MAX_BATCH_SIZE: number;
  EVENTS_MAX_BODY_BYTES: number;
}): IntakeLimits {
  return {
    maxBatchSize: config.EVENTS_MAX_BATCH_SIZE,
    maxBodyBytes: config.EVENTS_MAX_BODY_BYTES,
    maxIdLength: EVENT_LIMITS.idMaxLength,
    maxContextEntries: EVENT_LIMITS.contextMaxEntries,
    maxContextValueLength: EVENT_LIMITS.contextValueMaxLength,
  };
}
