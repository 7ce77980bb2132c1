export type * from './embedder.js';
export type * from './event-bus.js';
export type * from './vector-store.js';
export { VECTOR_STORE_OPERATIONS } from './vector-store.js';
