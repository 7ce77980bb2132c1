import { cfEnvShape, DEFAULT_RECENT_TASTE, env, eventWeightsEnv } from '@tailor/kit';
import { z } from 'zod';

import { MS_PER_HOUR, MS_PER_MINUTE } from './domain/decay.js';
import type { ProfileSettings } from './domain/profile.js';

/** Default half-life of the long-term vector and of interests: 30 days. */
export const DEFAULT_LONG_HALF_LIFE_HOURS = 720;
/** Default half-life of the session vector. */
export const DEFAULT_SHORT_HALF_LIFE_MINUTES = 30;

/** Environment of the profiles service. */
/** The default consumer group of the profiles service on `user-events`. */
export const PROFILES_GROUP_ID = 'profiles';

export const profilesEnvShape = {
  ...cfEnvShape,
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
  PROFILE_EVENT_WEIGHTS: eventWeightsEnv(),
  /** The newest affinities folded into the `cf` vector a second time; 0 turns that off. */
  PROFILE_CF_RECENT_ITEMS: env.int(DEFAULT_RECENT_TASTE.items, 0, 500),
  /** Weight of that recent fold-in beside the whole history's. */
  PROFILE_CF_RECENT_WEIGHT: env.number(DEFAULT_RECENT_TASTE.weight, 0, 100),
};

/** The parsed settings the profiles service reads. */
export type ProfilesConfig = Readonly<z.output<z.ZodObject<typeof profilesEnvShape>>>;

/** The domain's settings from the config and the embedder's dimension. */
export function profileSettings(config: ProfilesConfig, dimension: number): ProfileSettings {
  return {
    dimension,
    cfDimension: config.CF_DIMENSION,
    longHalfLifeMs: config.PROFILE_LONG_HALF_LIFE_HOURS * MS_PER_HOUR,
    shortHalfLifeMs: config.PROFILE_SHORT_HALF_LIFE_MINUTES * MS_PER_MINUTE,
    weights: config.PROFILE_EVENT_WEIGHTS,
    recentTaste: { items: config.PROFILE_CF_RECENT_ITEMS, weight: config.PROFILE_CF_RECENT_WEIGHT },
  };
}
