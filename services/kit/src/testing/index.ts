export * from './embedder-conformance.js';
export * from './event-bus-conformance.js';
export * from './fixtures.js';
export * from './openai-embeddings-server.js';
export * from './schema-file.js';
export * from './servers.js';
export * from './vector-store-conformance.js';
export * from './wait-for.js';
