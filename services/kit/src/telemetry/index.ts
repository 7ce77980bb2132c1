export * from './bus.js';
export * from './http.js';
export * from './semconv.js';
export * from './spans.js';
export * from './store.js';
export * from './tracing.js';
