export { toOptionalQdrantFilter, toQdrantFilter } from './filter.js';
export { QDRANT_ID_NAMESPACE, qdrantIdLookups, TAILOR_ID_KEY, toQdrantId } from './ids.js';
export {
  createQdrantVectorStore,
  QDRANT_STORE_DEFAULTS,
  type QdrantVectorStoreOptions,
} from './qdrant-vector-store.js';
