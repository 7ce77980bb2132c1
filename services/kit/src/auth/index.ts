export * from './gateway-trust.js';
export * from './viewer.js';
