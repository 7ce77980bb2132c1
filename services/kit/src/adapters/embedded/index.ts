export { FilterError } from '../../ports/vector-store-filter.js';
export {
  createEmbeddedEventBus,
  EMBEDDED_BUS_DEFAULTS,
  type EmbeddedEventBusOptions,
} from './event-bus/embedded-event-bus.js';
export {
  createHashedEmbedder,
  HASHED_EMBEDDER_MAX_DIMENSION,
  HASHED_EMBEDDER_MIN_DIMENSION,
  type HashedEmbedderOptions,
} from './hashed-embedder.js';
export {
  createEmbeddedVectorStore,
  EMBEDDED_STORE_DEFAULTS,
  type EmbeddedVectorStoreOptions,
} from './vector-store/embedded-vector-store.js';
export { VectorStoreError } from './vector-store/errors.js';
export { compileFilter, type PointPredicate } from './vector-store/filter.js';
