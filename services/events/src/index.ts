// The events service's public face: what the mesh, the tests and the tools import.
// reflect-metadata comes first: the resolver classes behind these modules are decorated as they
// load.
import 'reflect-metadata';

export { IngestBackloggedError } from './backpressure.js';
export {
  DEFAULT_MAX_BATCH_SIZE,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_UPDATER_LAG_EVENTS,
  type EventsConfig,
  eventsEnvShape,
} from './config.js';
export type { EventsDeps } from './deps.js';
export type { IntakeLimits } from './domain/limits.js';
export { ServiceUnavailableError } from './graphql/service-unavailable.error.js';
export { EVENTS_ROUTE } from './rest/events.route.js';
export { type RunningEvents, startEvents } from './subgraph.js';
