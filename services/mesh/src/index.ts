export * from './config.js';
export * from './demo-users.js';
export * from './mesh.js';
export * from './process-mesh.js';
export * from './service-process.js';
