export * from './event-bus-conformance.js';
export * from './fixtures.js';
export * from './servers.js';
export * from './vector-store-conformance.js';
export * from './wait-for.js';
