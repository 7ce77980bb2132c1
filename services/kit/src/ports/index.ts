export type * from './embedder.js';
export type * from './event-bus.js';
export type * from './vector-store.js';
