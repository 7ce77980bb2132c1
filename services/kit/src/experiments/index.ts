export * from './assignment.js';
export * from './definition.js';
export * from './registry.js';
