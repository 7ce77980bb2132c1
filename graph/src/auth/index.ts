export * from './authenticate.js';
export * from './config.js';
export * from './token.js';
