import { env } from '@tailor/kit';
import { z } from 'zod';

/** Default largest number of events in one batch (GraphQL or REST). */
export const DEFAULT_MAX_BATCH_SIZE = 500;
/**
 * Default largest request body, in bytes, for `POST /v1/events` and `/graphql`: twice the
 * gateway's GATEWAY_MAX_BODY_BYTES, so any batch the gateway lets through also fits here.
 */
export const DEFAULT_MAX_BODY_BYTES = 2_097_152;

const ORIGIN_PATTERN = /^https?:\/\/[^/\s?#]+$/;

/**
 * Browser origins allowed to call `POST /v1/events` across origins: a comma list of
 * `scheme://host[:port]`, or `*` for any. Empty (the default) allows none.
 */
const corsOrigins = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const origins = value
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== '');
    for (const origin of origins) {
      if (origin !== '*' && !ORIGIN_PATTERN.test(origin)) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a comma list of origins such as https://shop.example.com (or *), got ${JSON.stringify(origin)}`,
        });
        return z.NEVER;
      }
    }
    return origins;
  });

/**
 * Default bound of the profile updater's lag, in events: a few seconds of its work on the
 * 2-core demo machine, far above what the k8s autoscaler reacts to (500 per replica), so
 * producers are slowed only once scaling out has not caught up.
 */
export const DEFAULT_MAX_UPDATER_LAG_EVENTS = 10_000;

/** Environment of the events subgraph. */
export const eventsEnvShape = {
  EVENTS_PORT: env.port(4002),
  EVENTS_MAX_BATCH_SIZE: env.int(DEFAULT_MAX_BATCH_SIZE, 1, 10_000),
  EVENTS_MAX_BODY_BYTES: env.int(DEFAULT_MAX_BODY_BYTES, 1_024, 16 * 1_048_576),
  EVENTS_CORS_ORIGINS: corsOrigins,
  /** 0 turns backpressure off; otherwise at least EVENTS_MAX_BATCH_SIZE (checked at start). */
  EVENTS_MAX_UPDATER_LAG_EVENTS: env.int(DEFAULT_MAX_UPDATER_LAG_EVENTS, 0, 100_000_000),
  /** The profile updater's consumer group; keep it equal to PROFILES_CONSUMER_GROUP. */
  EVENTS_UPDATER_GROUP: z
    .string()
    .regex(/^[\w.-]{1,200}$/, 'expected 1 to 200 letters, digits, dots, dashes or underscores')
    .default('profiles'),
  EVENTS_LAG_CHECK_INTERVAL_MS: env.int(500, 50, 60_000),
  EVENTS_BACKLOG_RETRY_AFTER_SECONDS: env.int(1, 1, 300),
};

/** The parsed settings the events subgraph reads. */
export type EventsConfig = Readonly<z.output<z.ZodObject<typeof eventsEnvShape>>>;
