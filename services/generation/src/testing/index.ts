export * from './fake-chat-server.js';
export * from './png.js';
