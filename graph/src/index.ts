export * from './auth/index.js';
export * from './config.js';
export * from './gateway.js';
