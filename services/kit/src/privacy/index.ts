export * from './sealed.js';
export * from './user-keys.js';
