export * from './linalg.js';
export * from './model.js';
export * from './published.js';
