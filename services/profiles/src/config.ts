import { env } from '@tailor/kit';
import { z } from 'zod';

import { MS_PER_HOUR, MS_PER_MINUTE } from './domain/decay.js';
import type { ProfileSettings } from './domain/profile.js';
import {
  DEFAULT_EVENT_WEIGHTS,
  DWELL_MAX_WEIGHT,
  DWELL_SECONDS_PER_UNIT,
  type EventWeights,
  FLAT_WEIGHT_TYPES,
  MAX_ABS_EVENT_WEIGHT,
  RATING_NEUTRAL_STARS,
  RATING_WEIGHT_PER_STAR,
} from './domain/weights.js';

/** Default half-life of the long-term vector and of interests: 30 days. */
export const DEFAULT_LONG_HALF_LIFE_HOURS = 720;
/** Default half-life of the session vector. */
export const DEFAULT_SHORT_HALF_LIFE_MINUTES = 30;

const FLAT_TYPES: ReadonlySet<string> = new Set(FLAT_WEIGHT_TYPES);
const EXAMPLE = '{"like":5,"skip":-0.5}';

/** Why a key may not be set, for the types whose weight is not one number. */
const FIXED_KEYS: Readonly<Record<string, string>> = {
  rating: `rating weights follow the stars: (value − ${RATING_NEUTRAL_STARS}) × ${RATING_WEIGHT_PER_STAR}`,
  dwell: `dwell weights follow the seconds: min(value / ${DWELL_SECONDS_PER_UNIT}, ${DWELL_MAX_WEIGHT})`,
  impression: 'impressions never move a profile',
};

/**
 * `PROFILE_EVENT_WEIGHTS`: a JSON object overriding some flat weights, e.g. `{"like":5}`. Every
 * bad key is named in the error, so a typo never silently keeps the default.
 */
const eventWeights = z
  .string()
  .default('')
  .transform((value, ctx): EventWeights => {
    if (value.trim() === '') return DEFAULT_EVENT_WEIGHTS;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `expected a JSON object such as ${EXAMPLE}` });
      return z.NEVER;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      ctx.addIssue({ code: 'custom', message: `expected a JSON object such as ${EXAMPLE}` });
      return z.NEVER;
    }
    const overrides: Partial<Record<string, number>> = {};
    const problems: string[] = [];
    for (const [key, weight] of Object.entries(parsed)) {
      if (!FLAT_TYPES.has(key)) {
        problems.push(
          `key ${JSON.stringify(key)} cannot be set: ${
            FIXED_KEYS[key] ?? `expected one of ${FLAT_WEIGHT_TYPES.join(', ')}`
          }`,
        );
      } else if (
        typeof weight !== 'number' ||
        !Number.isFinite(weight) ||
        Math.abs(weight) > MAX_ABS_EVENT_WEIGHT
      ) {
        problems.push(
          `key ${JSON.stringify(key)} must be a number from -${MAX_ABS_EVENT_WEIGHT} to ${MAX_ABS_EVENT_WEIGHT}`,
        );
      } else {
        overrides[key] = weight;
      }
    }
    if (problems.length > 0) {
      ctx.addIssue({ code: 'custom', message: problems.join('; ') });
      return z.NEVER;
    }
    return Object.freeze({ ...DEFAULT_EVENT_WEIGHTS, ...overrides });
  });

/** Environment of the profiles service. */
/** The default consumer group of the profiles service on `user-events`. */
export const PROFILES_GROUP_ID = 'profiles';

export const profilesEnvShape = {
  PROFILES_PORT: env.port(4003),
  /**
   * Consumer group on `user-events`. Every profiles replica of one deployment shares it; two
   * deployments on one cluster (staging beside production) need different groups.
   */
  PROFILES_CONSUMER_GROUP: z
    .string()
    .regex(/^[\w.-]{1,200}$/, 'expected 1 to 200 letters, digits, dots, dashes or underscores')
    .default(PROFILES_GROUP_ID),
  /** Half-life of the long-term vector and of category/tag interests. */
  PROFILE_LONG_HALF_LIFE_HOURS: env.positive(DEFAULT_LONG_HALF_LIFE_HOURS),
  /** Half-life of the session vector. */
  PROFILE_SHORT_HALF_LIFE_MINUTES: env.positive(DEFAULT_SHORT_HALF_LIFE_MINUTES),
  PROFILE_EVENT_WEIGHTS: eventWeights,
};

/** The parsed settings the profiles service reads. */
export type ProfilesConfig = Readonly<z.output<z.ZodObject<typeof profilesEnvShape>>>;

/** The domain's settings from the config and the embedder's dimension. */
export function profileSettings(config: ProfilesConfig, dimension: number): ProfileSettings {
  return {
    dimension,
    longHalfLifeMs: config.PROFILE_LONG_HALF_LIFE_HOURS * MS_PER_HOUR,
    shortHalfLifeMs: config.PROFILE_SHORT_HALF_LIFE_MINUTES * MS_PER_MINUTE,
    weights: config.PROFILE_EVENT_WEIGHTS,
  };
}
