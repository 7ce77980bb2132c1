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

/** Environment of the events subgraph. */
export const eventsEnvShape = {
  EVENTS_PORT: env.port(4002),
  EVENTS_MAX_BATCH_SIZE: env.int(DEFAULT_MAX_BATCH_SIZE, 1, 10_000),
  EVENTS_MAX_BODY_BYTES: env.int(DEFAULT_MAX_BODY_BYTES, 1_024, 16 * 1_048_576),
  EVENTS_CORS_ORIGINS: corsOrigins,
};

/** The parsed settings the events subgraph reads. */
export type EventsConfig = Readonly<z.output<z.ZodObject<typeof eventsEnvShape>>>;
