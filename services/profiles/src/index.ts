// The profiles service's public face: what the mesh, the tests and the tools import.
// reflect-metadata comes first: the resolver classes behind these modules are decorated as they
// load.
import 'reflect-metadata';

export {
  DEFAULT_LONG_HALF_LIFE_HOURS,
  DEFAULT_SHORT_HALF_LIFE_MINUTES,
  PROFILES_GROUP_ID,
  type ProfilesConfig,
  profilesEnvShape,
  profileSettings,
} from './config.js';
export type { ProfilesDeps } from './deps.js';
export { decayFactor } from './domain/decay.js';
export {
  applyEvents,
  applyEventsInPlace,
  type ApplyResult,
  emptyProfile,
  type EventOutcome,
  forgetProfile,
  holdsPersonalData,
  type ItemFacts,
  type Profile,
  PROFILE_LIMITS,
  type ProfileEvent,
  type ProfileSettings,
  type StoredInteraction,
  type StoredProfile,
} from './domain/profile.js';
export { tagSpecificity } from './domain/specificity.js';
export { itemFactsFromPoint, profileFromPoint, profileToPoint } from './domain/stored.js';
export {
  type EventTypeCount,
  interestShares,
  type ProfileSummary,
  summarizeProfile,
  SUMMARY_LIMITS,
  type WeightedInterest,
} from './domain/summary.js';
export {
  type BatchOutcome,
  type ProfileEraser,
  type ProfileReader,
  ProfileService,
  type ProfileServiceOptions,
} from './profile.service.js';
export { type RunningProfiles, startProfiles } from './subgraph.js';
export {
  DEFAULT_EVENT_WEIGHTS,
  DWELL_MAX_WEIGHT,
  DWELL_SECONDS_PER_UNIT,
  eventWeight,
  type EventWeights,
  FLAT_WEIGHT_TYPES,
  type FlatWeightType,
  MAX_ABS_EVENT_WEIGHT,
  RATING_NEUTRAL_STARS,
  RATING_WEIGHT_PER_STAR,
} from '@tailor/kit';
