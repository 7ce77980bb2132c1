export * from './circuit-breaker.js';
export * from './guarded-bus.js';
export * from './guarded-store.js';
export * from './retry.js';
