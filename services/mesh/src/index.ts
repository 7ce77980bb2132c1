export * from './config.js';
export * from './demo-users.js';
export * from './mesh.js';
